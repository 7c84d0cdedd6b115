"""CI files call invoke tasks only: every task they name exists (with its flags), and no step runs
logic of its own. Parses .github/workflows/*.yml and .gitlab-ci.yml with PyYAML."""
from __future__ import annotations

import importlib.util
import itertools
import shlex
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from invoke import Collection

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml")) + [REPO / ".gitlab-ci.yml"]
SCRIPT_KEYS = {"run", "script", "before_script", "after_script"}
SEPARATORS = {"&&", "||", ";", "|", "&"}

# What a CI step may run besides `python -m invoke`: installing, and moving the report or the site.
ALLOWED = [
    ("python", "-m", "invoke"),
    ("python", "-m", "pip", "install"),
    ("apt-get",),
    ("cat", "review.md"),
    ("gh", "pr", "comment"),
    ("curl",),
    ("mv", "output", "public"),
]


def script_lines(node) -> list[str]:
    """Every line of every run/script entry, wherever it sits in the file."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SCRIPT_KEYS:
                entries = value if isinstance(value, list) else [value]
                found += [line for entry in entries for line in str(entry).splitlines()]
            else:
                found += script_lines(value)
    elif isinstance(node, list):
        found += list(itertools.chain.from_iterable(script_lines(n) for n in node))
    return found


def split_commands(line: str) -> list[list[str]]:
    """One shell line as argv lists, split at && || ; & and pipes outside quotes; comments dropped."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    out, current = [], []
    for token in lexer:
        if token in SEPARATORS:
            out.append(current)
            current = []
        else:
            current.append(token)
    return [argv for argv in out + [current] if argv]


def commands(path: Path) -> list[list[str]]:
    """Each shell command of a CI file as argv."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [argv for line in script_lines(data) for argv in split_commands(line)]


def invoke_calls(path: Path) -> list[tuple[str, list[str]]]:
    """(task, [flag names]) for every `python -m invoke <task> --flag ...` in the file."""
    calls = []
    for argv in commands(path):
        if argv[:3] == ["python", "-m", "invoke"] and len(argv) > 3:
            flags = [a[2:].split("=")[0] for a in argv[4:] if a.startswith("--")]
            calls.append((argv[3], flags))
    return calls


def load_tasks(tasks_py: Path) -> Collection:
    spec = importlib.util.spec_from_file_location(f"tasks_under_test_{abs(hash(tasks_py))}", tasks_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Collection.from_module(module)


def unknown_calls(calls, collection: Collection) -> list[str]:
    """Calls naming a task or a flag the collection does not have, as `task --flag` text."""
    wrong = []
    for task, flags in calls:
        if task not in collection.task_names:
            wrong.append(task)
            continue
        known = {n.replace("_", "-") for arg in collection[task].get_arguments() for n in arg.names}
        wrong += [f"{task} --{f}" for f in flags if f.replace("_", "-") not in known]
    return wrong


def not_allowed(path: Path) -> list[str]:
    return [" ".join(argv) for argv in commands(path)
            if not any(tuple(argv[:len(prefix)]) == prefix for prefix in ALLOWED)]


def test_workflow_files_exist():
    names = [p.relative_to(REPO).as_posix() for p in WORKFLOWS]
    assert names == [".github/workflows/pr.yml", ".github/workflows/publish.yml", ".gitlab-ci.yml"]
    assert all(invoke_calls(p) for p in WORKFLOWS)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_called_task_exists_in_tasks_py(path):
    assert unknown_calls(invoke_calls(path), load_tasks(REPO / "tasks.py")) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_logic_in_ci_files(path):
    assert not_allowed(path) == []


@pytest.mark.parametrize("path, tasks", [
    (".github/workflows/pr.yml", {("validate", ()), ("scan", ()), ("codeowners", ("check",)), ("test", ()),
                                  ("build", ()), ("review", ("base", "output", "full"))}),
    (".github/workflows/publish.yml", {("build", ("publish",)), ("publish", ())}),
    (".gitlab-ci.yml", {("validate", ()), ("scan", ()), ("codeowners", ("check",)), ("test", ()),
                        ("build", ()), ("review", ("base", "output", "full")), ("build", ("publish",)), ("publish", ())}),
])
def test_each_file_runs_the_required_tasks(path, tasks):
    assert {(task, tuple(flags)) for task, flags in invoke_calls(REPO / path)} == tasks


def test_triggers():
    pr = yaml.safe_load((REPO / ".github/workflows/pr.yml").read_text(encoding="utf-8"))
    publish = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as "on".
    assert "pull_request" in pr[True]
    assert publish[True]["push"] == {"branches": ["main"]}
    # 定时发布: a daily build just after midnight in China (cron is UTC) publishes items on their date.
    assert publish[True]["schedule"] == [{"cron": "10 16 * * *"}]
    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["pages"]["artifacts"] == {"paths": ["public"]}
    assert gitlab["review"]["artifacts"]["paths"] == ["review.md", "review-full.md"]


def test_gitlab_schedule_is_documented_and_runs_the_publish_stage():
    """GitLab keeps schedules in the project settings: the file says how to make one, and a
    scheduled pipeline on the default branch reaches the pages job."""
    text = (REPO / ".gitlab-ci.yml").read_text(encoding="utf-8")
    header = text.split("workflow:")[0]
    assert "Pipeline schedules" in header and "`10 0 * * *`" in header and "Asia/Shanghai" in header
    gitlab = yaml.safe_load(text)
    assert {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"} in gitlab["workflow"]["rules"]
    assert gitlab["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]


def test_posting_the_report_fails_loudly():
    """A comment or note that cannot be posted (too long, no permission) fails its job; the full
    report is kept as an artifact."""
    pr = yaml.safe_load((REPO / ".github/workflows/pr.yml").read_text(encoding="utf-8"))
    steps = {step["name"]: step for step in pr["jobs"]["review"]["steps"] if "name" in step}
    comment = steps["评论到拉取请求"]
    assert "continue-on-error" not in comment and "||" in comment["run"] and comment["run"].count("gh pr comment") == 2
    assert steps["保存完整报告"]["with"]["path"].split() == ["review.md", "review-full.md"]
    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["review-note"]["allow_failure"] is False and "--fail" in gitlab["review-note"]["script"][0]


def test_object_storage_jobs_are_off_until_configured_and_keys_come_from_the_secret_store():
    github = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))["jobs"]["object-storage"]
    assert github["if"] == "${{ vars.GONGKAI_S3_BUCKET != '' }}"
    env = github["steps"][-1]["env"]
    assert env["AWS_ACCESS_KEY_ID"] == "${{ secrets.GONGKAI_S3_ACCESS_KEY_ID }}"
    assert env["AWS_SECRET_ACCESS_KEY"] == "${{ secrets.GONGKAI_S3_SECRET_ACCESS_KEY }}"
    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))["object-storage"]
    assert gitlab["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $GONGKAI_S3_BUCKET"}]
    assert gitlab["variables"] == {"AWS_ACCESS_KEY_ID": "$GONGKAI_S3_ACCESS_KEY_ID",
                                   "AWS_SECRET_ACCESS_KEY": "$GONGKAI_S3_SECRET_ACCESS_KEY"}


def test_every_publish_build_is_given_the_site_url():
    """`invoke build --publish` stops without GONGKAI_SITEURL (no placeholder address): every CI step
    that runs it sets the variable (GitLab's object-storage job takes it from the project's CI/CD
    variables, which the file's header asks for)."""
    github = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))["jobs"]
    steps = [s for job in github.values() for s in job["steps"] if "build --publish" in s.get("run", "")]
    assert len(steps) == 2 and all(s["env"]["GONGKAI_SITEURL"] for s in steps)
    gitlab_text = (REPO / ".gitlab-ci.yml").read_text(encoding="utf-8")
    gitlab = yaml.safe_load(gitlab_text)
    assert gitlab["pages"]["variables"]["GONGKAI_SITEURL"] == "$CI_PAGES_URL"
    assert "GONGKAI_SITEURL (required" in gitlab_text.split("workflow:")[0]


# --- the checker itself, on made-up files, so that it is known to catch what it should ---

FAKE_TASKS = '''
from invoke import task

@task
def validate(c):
    """Fake."""

@task
def build(c, publish=False):
    """Fake."""
'''


def test_checker_finds_unknown_tasks_and_flags(tmp_path):
    (tmp_path / "tasks.py").write_text(FAKE_TASKS, encoding="utf-8")
    workflow = tmp_path / "ci.yml"
    workflow.write_text(textwrap.dedent("""\
        jobs:
          one:
            steps:
              - run: python -m invoke validate && python -m invoke deploy
              - run: |
                  python -m invoke build --publish
                  python -m invoke build --fast   # no such flag
        other:
          script:
            - python -m invoke build -p
        """), encoding="utf-8")
    calls = invoke_calls(workflow)
    assert calls == [("validate", []), ("deploy", []), ("build", ["publish"]), ("build", ["fast"]), ("build", [])]
    assert unknown_calls(calls, load_tasks(tmp_path / "tasks.py")) == ["deploy", "build --fast"]


def test_checker_rejects_logic(tmp_path):
    workflow = tmp_path / "ci.yml"
    workflow.write_text(textwrap.dedent("""\
        steps:
          - run: python -c "import sys; print(1)"
          - run: python tools/release.py
          - run: if [ -f x ]; then rm -rf output; fi
          - run: python -m pip install -r requirements-dev.txt && python -m invoke validate
        """), encoding="utf-8")
    assert not_allowed(workflow) == [
        "python -c import sys; print(1)",
        "python tools/release.py",
        "if [ -f x ]",
        "then rm -rf output",
        "fi",
    ]
