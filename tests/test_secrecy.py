"""保密审查: positives and near-misses per kind, masking, acknowledgements, and the exact messages."""
from __future__ import annotations

import io
import textwrap

import pytest
from conftest import REPO, run_invoke

from gongkai import schema
from gongkai.catalogue import load_catalogue
from gongkai.frontmatter import parse_text
from gongkai.model import Item
from gongkai.secrecy import BANK_CARD, ID_BAD_CHECK, ID_CARD, MARKING, MOBILE, acknowledgements, find_sensitive, findings_in_text, scan_item
from gongkai.secrecy.detect import id_card_ok, luhn_ok, mask_card
from gongkai.secrecy.scan import format_report, scan_catalogue
from gongkai.settings import Paths
from gongkai_tools.scan import scan_project

# Synthetic numbers built to pass (or, for near-misses, to fail) the checks; none is a real person's.
ID_OK = "530102199003071238"            # GB 11643 check character 8
ID_OK_X = "11010519491231002X"          # check character X
CARD_16 = "6222020012345671"            # Luhn-valid UnionPay shape
CARD_19 = "6228480012345678903"

POSITIVES = [
    ("身份证号 530102199003071238", ID_CARD, "530102199003071238", "5301**********1238"),
    ("身份证号码：11010519491231002X。", ID_CARD, "11010519491231002X", "1101**********002X"),
    ("小写 x 也算：11010519491231002x", ID_CARD, "11010519491231002x", "1101**********002X"),
    ("全角数字５３０１０２１９９００３０７１２３８", ID_CARD, "５３０１０２１９９００３０７１２３８", "5301**********1238"),
    ("联系电话13800138000", MOBILE, "13800138000", "138****8000"),
    ("TEL13912345678", MOBILE, "13912345678", "139****5678"),
    ("电话 +86 138 0013 8000 （值班）", MOBILE, "+86 138 0013 8000", "138****8000"),
    ("电话 +8613800138000", MOBILE, "+8613800138000", "138****8000"),
    ("电话 86-13912345678", MOBILE, "86-13912345678", "139****5678"),
    ("电话 139-1234-5678", MOBILE, "139-1234-5678", "139****5678"),
    ("补助发放至 6222020012345671 账户", BANK_CARD, "6222020012345671", "6222 **** **** 5671"),
    ("卡号 6222 0200 1234 5671", BANK_CARD, "6222 0200 1234 5671", "6222 **** **** 5671"),
    ("卡号 6228480012345678903", BANK_CARD, "6228480012345678903", "6228 **** **** *** 8903"),
    ("卡号 6228 4800 1234 5678 903", BANK_CARD, "6228 4800 1234 5678 903", "6228 **** **** *** 8903"),
    ("机密★1年", MARKING, "机密★", "机密★"),
    ("绝密 ☆ 长期", MARKING, "绝密 ☆", "绝密 ☆"),
    ("秘密★6个月", MARKING, "秘密★", "秘密★"),
    ("本表为秘密级文件", MARKING, "秘密级", "秘密级"),
    ("本材料属绝密，阅后收回", MARKING, "绝密", "绝密"),
    ("本文件为机密文件", MARKING, "机密", "机密"),
    ("内部资料，注意保存", MARKING, "内部资料", "内部资料"),
    ("工作秘密 请勿外传", MARKING, "工作秘密", "工作秘密"),
    ("公开属性：不予公开", MARKING, "不予公开", "不予公开"),
]

# Issue 9 (6c): the formats an editor (or an attacker) writes a number in. Issue's own numbers:
# 110101199003071233 is a valid ID, 6222021001123456789 a Luhn-valid card.
ID_SHOWN, MOBILE_SHOWN = "1101**********1233", "138****5678"
FORMATS = [
    ("身份证 110101 19900307 1233 号", ID_CARD, "110101 19900307 1233", ID_SHOWN),
    ("身份证 110101-19900307-1233", ID_CARD, "110101-19900307-1233", ID_SHOWN),
    ("身份证 １１０１０１\u3000１９９００３０７\u3000１２３３", ID_CARD, "１１０１０１\u3000１９９００３０７\u3000１２３３", ID_SHOWN),
    ("身份证 110101199**003071233**", ID_CARD, "110101199**003071233", ID_SHOWN),
    ("身份证 `110101``199003071233`", ID_CARD, "110101``199003071233", ID_SHOWN),
    ("身份证 110101199_003071233_", ID_CARD, "110101199_003071233", ID_SHOWN),
    ("身份证 &#49;10101199003071233", ID_CARD, "&#49;10101199003071233", ID_SHOWN),
    ("身份证 &#x31;1010119900307123&#x33;", ID_CARD, "&#x31;1010119900307123&#x33;", ID_SHOWN),
    ("身份证 &#x31;10101&nbsp;19900307&nbsp;1233", ID_CARD, "&#x31;10101&nbsp;19900307&nbsp;1233", ID_SHOWN),
    ("身份证 1101\u200b01199003071233", ID_CARD, "1101\u200b01199003071233", ID_SHOWN),
    ("身份证 110101\u00ad199003071233", ID_CARD, "110101\u00ad199003071233", ID_SHOWN),
    ("身份证 11010119900\u20603071233", ID_CARD, "11010119900\u20603071233", ID_SHOWN),
    ("身份证 \ufeff110101199003071233\u200c", ID_CARD, "110101199003071233", ID_SHOWN),
    ("身份证 110101<b>19900307</b>1233", ID_CARD, "110101<b>19900307</b>1233", ID_SHOWN),
    ("身份证 110101 19900307 1233 12 月入职", ID_CARD, "110101 19900307 1233", ID_SHOWN),
    ("一代身份证 110101900307123", ID_CARD, "110101900307123", "1101*******7123"),
    ("手机 138 12345678", MOBILE, "138 12345678", MOBILE_SHOWN),
    ("手机 1381234 5678", MOBILE, "1381234 5678", MOBILE_SHOWN),
    ("手机 (138)1234-5678", MOBILE, "(138)1234-5678", MOBILE_SHOWN),
    ("手机 （138）1234-5678", MOBILE, "（138）1234-5678", MOBILE_SHOWN),
    ("手机 138.1234.5678", MOBILE, "138.1234.5678", MOBILE_SHOWN),
    ("手机 138–1234–5678", MOBILE, "138–1234–5678", MOBILE_SHOWN),
    ("手机 138—1234—5678", MOBILE, "138—1234—5678", MOBILE_SHOWN),
    ("手机 138\u200b1234\u200b5678", MOBILE, "138\u200b1234\u200b5678", MOBILE_SHOWN),
    ("电话 (+86)138 1234 5678", MOBILE, "(+86)138 1234 5678", MOBILE_SHOWN),
    ("1. 138 1234 5678", MOBILE, "138 1234 5678", MOBILE_SHOWN),
    ("手机 138/1234/5678", MOBILE, "138/1234/5678", MOBILE_SHOWN),
    ("手机 138·1234·5678", MOBILE, "138·1234·5678", MOBILE_SHOWN),
    ("手机 1 3 8 1 2 3 4 5 6 7 8", MOBILE, "1 3 8 1 2 3 4 5 6 7 8", MOBILE_SHOWN),
    ("手机 一三八一二三四五六七八", MOBILE, "一三八一二三四五六七八", MOBILE_SHOWN),
    ("手机 幺三八 一二三四 五六七八", MOBILE, "幺三八 一二三四 五六七八", MOBILE_SHOWN),
    ("卡号 622202 1001123456789", BANK_CARD, "622202 1001123456789", "6222 **** **** *** 6789"),
    ("卡号 6222-0210-0112-3456-789", BANK_CARD, "6222-0210-0112-3456-789", "6222 **** **** *** 6789"),
    ("身份证 ١١٠١٠١١٩٩٠٠٣٠٧١٢٣٣（阿拉伯文数字）", ID_CARD, "١١٠١٠١١٩٩٠٠٣٠٧١٢٣٣", ID_SHOWN),
    ("机密文件，依法办理", MARKING, "机密", "机密"),
    ("绝 密", MARKING, "绝 密", "绝 密"),
    ("机**密**文件", MARKING, "机**密", "机**密"),
    ("秘密＊", MARKING, "秘密＊", "秘密*"),
    ("秘密*1年", MARKING, "秘密*", "秘密*"),
    ("秘 密 ★ 1年", MARKING, "秘 密 ★", "秘 密 ★"),
    ("涉密", MARKING, "涉密", "涉密"),
    ("本文件涉密，不得外传", MARKING, "涉密", "涉密"),
    ("&#32477;&#23494;", MARKING, "&#32477;&#23494;", "绝密"),
    ("不予\u200b公开", MARKING, "不予\u200b公开", "不予公开"),
]


@pytest.mark.parametrize("text, kind, written, shown", FORMATS)
def test_every_way_of_writing_it_is_found_and_masked(text, kind, written, shown):
    hits = find_sensitive(text)
    assert [(h.kind, h.text, h.shown) for h in hits] == [(kind, written, shown)]
    # start/end locate the text as written: masking there leaves nothing of the number behind.
    masked = text[:hits[0].start] + hits[0].shown + text[hits[0].end:]
    assert find_sensitive(masked) == [] or kind == MARKING


def test_an_id_with_a_wrong_check_digit_is_a_finding_of_its_own():
    (hit,) = find_sensitive("身份证号 530102199003071235")
    assert (hit.kind, hit.label, hit.called, hit.shown) == (ID_CARD, ID_BAD_CHECK, "疑似身份证号码，校验位不符",
                                                         "5301**********1235")


def test_several_numbers_in_a_row_are_each_found():
    text = "电话 13812345678 13987654321、身份证 110101199003071233 6222021001123456789"
    assert [h.value for h in find_sensitive(text)] == ["13812345678", "13987654321", "110101199003071233",
                                                        "6222021001123456789"]


def test_a_number_broken_over_two_lines_is_one_number():
    (hit,) = find_sensitive("号码 1101011990\n03071233")
    assert (hit.value, hit.start, hit.end) == ("110101199003071233", 3, 22)
    assert find_sensitive("13812345678\n\n2024") != [] and find_sensitive("1381234\n\n5678") == []


@pytest.mark.parametrize("text, kind, written, shown", POSITIVES)
def test_positive_is_found_and_masked(text, kind, written, shown):
    hits = find_sensitive(text)
    assert [(h.kind, h.text, h.shown) for h in hits] == [(kind, written, shown)]


NEAR_MISSES = [
    ("身份证号 990102199003071235", "wrong check digit and no such province"),
    ("身份证号 530102299003071235", "wrong check digit and a birth year to come"),
    ("身份证号 53010219900307123", "17 digits (and not Luhn-valid)"),
    ("身份证号 530102199002301234", "no such birth date (and not Luhn-valid)"),
    ("编号 110105187001010011", "birth year before 1900"),
    ("身份证号 5301**********1238", "already masked"),
    ("电话 138****8000", "already masked mobile"),
    ("卡号 6222 **** **** 5671", "already masked card"),
    ("成文日期 20240315，发布日期 2024-03-15，2024年3月15日", "dates"),
    ("索引号 11530000MB0123456X/2024-00012", "索引号 with letters"),
    ("索引号 530102199003071238/2024-00012", "索引号 whose code is all digits and would pass as an ID"),
    ("索引号 622202001234567100/202403-000123", "索引号 whose code passes Luhn"),
    ("示民〔2024〕37号、示财预〔2024〕5号", "文号"),
    ("咨询电话 0879-1234567，传真 (0879) 2123456", "landlines"),
    ("12345热线", "service hotline"),
    ("合计 1234567.89 元，13800138000.5 万元", "amounts with decimals"),
    ("编号 6222020012345678", "16 digits failing Luhn"),
    ("编号 1234567812345670", "Luhn-valid but not a payment card's first digit"),
    ("编号 138001380001", "12 digits: part of a longer run"),
    ("编号 213800138000", "mobile shape inside a longer run"),
    ("组合 138 0013 8000 1234", "grouped run longer than a mobile"),
    ("卡号 6222 0200 1234 5671 2345 6789", "grouped run longer than a card"),
    ("代码 91530100MA6K13800X", "credit code with letters"),
    ("不涉及国家秘密、工作秘密、商业秘密、个人隐私", "checklist wording"),
    ("涉及商业机密、技术机密的除外", "prose about secrecy"),
    ("法律、法规和规章规定不予公开的信息", "prose about 不予公开"),
    ("办理结果：予以公开 12 件、部分公开 3 件、不予公开 2 件", "annual report counts"),
    ("加强数据机密性保护", "机密性 is a property, not a marking"),
    ("依法保护国家秘密", "秘密 alone is not a marking"),
    ("身份证号 1101**********1233，卡号 6222 **** **** *** 6789", "masked ID and card"),
    ("联系人 李*华、王**", "masked names"),
    ("电话 138****5678、139 **** 5678", "masked mobiles, however spaced"),
    ("日期 2024.03.15、2024-3-5、2024 年 3 月", "dates with points and dashes"),
    ("第1.2.3条、5.1.1.2", "section numbers"),
    ("电话 0879-1234567 0879-7654321", "two landlines in a row"),
    ("一代证号 110101901307123", "15 digits whose birth month does not exist"),
    ("一代证号 990101900307123", "15 digits with no such province"),
    ("注册号 530100000012345", "15-digit business registration number"),
    ("版本 3.13812345678", "decimal"),
    ("拒绝 密码、杜绝密切接触", "绝密 inside other words"),
    ("本项目不涉密", "不涉密 says the opposite"),
    ("公开前进行保密审查，确定是否涉密", "是否涉密 is prose"),
    ("**不涉及工作秘密**", "bold prose"),
    ("*涉及秘密*，秘密*的含义", "emphasis stars are not marking stars"),
    ("收款 1,234,567,890,123,456 元", "thousands separators"),
    ("二〇二四年三月一日、一二三四五六七八九十", "Chinese numerals in dates and counting"),
    ("第一三八一二三四五六七八九〇号文件", "a long run of Chinese numerals that is no number"),
    ("2024/03/15 至 2024/12/31，第1/2/3期", "dates and fractions with slashes"),
]


@pytest.mark.parametrize("text, why", NEAR_MISSES)
def test_near_miss_is_not_a_finding(text, why):
    assert find_sensitive(text) == [], why


def test_checksums():
    assert id_card_ok(ID_OK) and id_card_ok(ID_OK_X)
    assert not id_card_ok("530102199003071235") and id_card_ok("110101199003071233")
    assert luhn_ok(CARD_16) and luhn_ok(CARD_19) and not luhn_ok("6222020012345678")
    assert mask_card(CARD_16) == "6222 **** **** 5671"


def test_an_id_that_also_passes_luhn_is_reported_once_as_an_id():
    number = "530102199003011155"
    assert id_card_ok(number) and luhn_ok(number) and number[0] in "34569"
    assert [h.kind for h in find_sensitive(f"号码 {number}")] == [ID_CARD]


def make_item(front: str, body: str = "", source: str = "content/items/示例.md") -> Item:
    text = "---\n" + textwrap.dedent(front).strip("\n") + "\n---\n" + body
    parsed = parse_text(text, source)
    assert not parsed.problems, parsed.problems
    return Item(source, parsed.meta, parsed.body, parsed.lines, parsed.body_line)


BASE = """\
事项名称: 临时救助对象名单
公开对象: 全社会
公开内容:
  - 救助对象姓名
  - 联系人 李四 13912345678
公开时限:
  类型: 即时
  说明: 经办人手机 13800138000
附件:
  - 名称: 名单
    文件: attachments/名单-530102199003071238.pdf
"""


def test_item_is_scanned_in_every_field_with_lines():
    item = make_item(BASE, "第一行\n\n银行卡 6222020012345671\n")
    found = [(f.line, f.field, f.kind, f.shown) for f in scan_item(item)]
    assert found == [
        (6, "公开内容 第 2 项", MOBILE, "139****5678"),
        (9, "公开时限.说明", MOBILE, "138****8000"),
        (12, "附件 第 1 项的文件", ID_CARD, "5301**********1238"),
        (16, "正文", BANK_CARD, "6222 **** **** 5671"),
    ]


def test_block_scalar_lines_are_counted_from_the_next_line():
    item = make_item("事项名称: 示例\n公开对象: 全社会\n渠道说明: |\n  第一行\n  手机 13800138000\n")
    assert [(f.line, f.field) for f in scan_item(item)] == [(6, "渠道说明")]


def test_internal_items_are_not_scanned():
    item = make_item(BASE.replace("公开对象: 全社会", "公开对象: 内部"), "机密★\n")
    assert scan_item(item) == []


def test_exact_messages_as_problems():
    item = make_item(BASE, "内部资料\n")
    lines = [str(p) for p in scan_catalogue(_Catalogue([item]))]
    assert lines == [
        "content/items/示例.md:6: 公开内容 第 2 项: 疑似手机号码“139****5678”：公开前请删除或脱敏；"
        "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人",
        "content/items/示例.md:9: 公开时限.说明: 疑似手机号码“138****8000”：公开前请删除或脱敏；"
        "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人",
        "content/items/示例.md:12: 附件 第 1 项的文件: 疑似居民身份证号码“5301**********1238”：公开前请删除或脱敏；"
        "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人",
        "content/items/示例.md:14: 正文: 疑似密级标识“内部资料”：涉密、内部或不予公开的信息不得上网公开，请删除；确属误报的，请在 保密审查 中登记并注明审核人",
    ]


ACK = """\
保密审查:
  - 内容: {content}
    类型: {kind}
    审核人: "@mz-shenhe"
    日期: 2024-03-01
    说明: 单位对外公布的值班电话
"""


@pytest.mark.parametrize("content", ["13800138000", "'138 0013 8000'", "'+86 138-0013-8000'", "１３８００１３８０００"])
def test_acknowledgement_suppresses_the_same_finding(content):
    item = make_item(BASE + ACK.format(content=content, kind="手机号码"))
    assert "138****8000" not in {f.shown for f in scan_item(item)}
    assert "139****5678" in {f.shown for f in scan_item(item)}


def test_acknowledgement_of_another_kind_or_number_does_not_suppress():
    wrong_kind = make_item(BASE + ACK.format(content="13800138000", kind="银行卡号"))
    other_number = make_item(BASE + ACK.format(content="13700138000", kind="手机号码"))
    for item in (wrong_kind, other_number):
        # BASE attaches a file: the entry is judged stale once its attachments are known (none found there).
        kinds = [f.kind for f in scan_item(item, [])]
        assert kinds.count(MOBILE) == 2 and kinds[-1] in ("保密审查登记", "保密审查登记不完整")


UNUSABLE = ("登记内容“{}”不是完整的{}，不能确定登记的是哪一个号码，这条登记不起作用："
            "请照抄事项原文中的完整号码（保密审查 字段不在网站上公开）")


@pytest.mark.parametrize("registered, kind, published, shown", [
    ("138****5678", "手机号码", "13899995678", "138****5678"),      # issue 9 (6d), first attack
    ("1101**********1233", "居民身份证号码", "110101199003071233", "1101**********1233"),  # second attack
    ("'6222 **** **** *** 6789'", "银行卡号", "6222021001123456789", "6222 **** **** *** 6789"),
])
def test_a_masked_acknowledgement_approves_nothing_and_is_reported(registered, kind, published, shown):
    item = make_item("公开对象: 全社会\n" + ACK.format(content=registered, kind=kind), f"号码 {published}\n")
    assert [str(f.problem()) for f in scan_item(item)] == [
        f"content/items/示例.md:4: 保密审查 第 1 项的内容: {UNUSABLE.format(registered.strip(chr(39)), kind)}",
        f"content/items/示例.md:10: 正文: 疑似{kind}“{shown}”：公开前请删除或脱敏；"
        "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人"]


def test_an_acknowledgement_approves_only_its_own_number():
    """The approved office mobile is replaced by a citizen's with the same first 3 and last 4 digits."""
    approved = "13811115678"
    item = make_item("公开对象: 全社会\n" + ACK.format(content=approved, kind="手机号码"),
                     f"值班电话 {approved}\n低保户电话 13899995678\n")
    assert [(f.line, f.kind, f.value) for f in scan_item(item)] == [(11, MOBILE, "13899995678")]
    gone = make_item("公开对象: 全社会\n" + ACK.format(content=approved, kind="手机号码"), "低保户电话 13899995678\n")
    assert [(f.line, f.kind) for f in scan_item(gone)] == [(4, "保密审查登记"), (10, MOBILE)]


def test_a_description_instead_of_the_number_is_reported():
    item = make_item("公开对象: 全社会\n" + ACK.format(content="办公电话", kind="手机号码"), "电话 13800138000\n")
    assert [f.message for f in scan_item(item)][0] == UNUSABLE.format("办公电话", "手机号码")


def test_an_id_with_a_wrong_check_digit_is_acknowledged_as_an_id():
    item = make_item("公开对象: 全社会\n" + ACK.format(content="530102199003071235", kind="居民身份证号码"),
                     "号码 530102199003071235\n")
    assert scan_item(item) == []
    unacknowledged = make_item("公开对象: 全社会\n", "号码 530102199003071235\n")
    assert [str(f.problem()) for f in scan_item(unacknowledged)] == [
        "content/items/示例.md:4: 正文: 疑似身份证号码，校验位不符“5301**********1235”：公开前请删除或脱敏；"
        "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人"]


def test_every_format_in_an_item_is_located_by_line_and_masked():
    body = "".join(f"{text}\n" for text, *_ in FORMATS)
    item = make_item("公开对象: 全社会\n", body)
    found = [(f.line, f.kind, f.shown) for f in scan_item(item)]
    assert found == [(4 + n, kind, shown) for n, (_t, kind, _w, shown) in enumerate(FORMATS)]


def test_findings_in_any_published_text():
    """The entry point for texts outside items (guide pages): located by the text's first line."""
    found = findings_in_text("content/pages/指南.md", 5, "正文", "第一行\n电话 138 1234 5678\n绝 密\n")
    assert [str(f.problem()) for f in found] == [
        "content/pages/指南.md:6: 正文: 疑似手机号码“138****5678”：公开前请删除或脱敏；"
        "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人",
        "content/pages/指南.md:7: 正文: 疑似密级标识“绝 密”：涉密、内部或不予公开的信息不得上网公开，请删除；"
        "确属误报的，请在 保密审查 中登记并注明审核人"]


def test_stale_acknowledgement_is_reported_masked():
    item = make_item(BASE + ACK.format(content="13711112222", kind="手机号码"))
    assert [f for f in scan_item(item) if f.kind == "保密审查登记"] == []  # its attachment not yet scanned
    stale = [f for f in scan_item(item, []) if f.kind == "保密审查登记"]
    assert [str(f.problem()) for f in stale] == [
        "content/items/示例.md:14: 保密审查 第 1 项的内容: 登记的手机号码“137****2222”在本事项中已找不到："
        "内容已删除或改动的，请同时删除这条登记（或按新的保密审查结果重新登记）"]


def test_acknowledged_text_is_not_itself_scanned():
    item = make_item(ACK.format(content="13800138000", kind="手机号码") + "公开对象: 全社会\n", "电话 13800138000\n")
    assert scan_item(item) == []


def test_acknowledgements_for_the_review_report():
    item = make_item(BASE + ACK.format(content="138****8000", kind="手机号码"))
    (ack,) = acknowledgements(item)
    assert (ack.content, ack.kind, ack.reviewer, ack.date, ack.note, ack.field, ack.line) == (
        "138****8000", "手机号码", "@mz-shenhe", "2024-03-01", "单位对外公布的值班电话", "保密审查 第 1 项", 14)


def test_marking_acknowledgement():
    item = make_item("公开对象: 全社会\n" + ACK.format(content="不予公开", kind="密级标识"), "公开属性：不予公开\n")
    assert scan_item(item) == []


def test_schema_accepts_and_checks_acknowledgements():
    validator = schema.compiled(str(REPO / "schema" / "item.schema.json"))
    good = make_item(ACK.format(content="138****8000", kind="手机号码"))
    assert [p for p in schema.check(validator, good.meta, good.lines, "x.md") if p.field.startswith("保密审查")] == []
    bad = make_item(ACK.format(content="138****8000", kind="电话").replace("日期: 2024-03-01", "日期: 2024-02-30"))
    problems = [str(p) for p in schema.check(validator, bad.meta, bad.lines, "x.md")
                if p.field.startswith("保密审查")]
    assert problems == [
        "x.md:4: 保密审查 第 1 项的类型: 应为 居民身份证号码、手机号码、银行卡号、密级标识、无法检查的附件 之一，实际为文本“电话”",
        "x.md:6: 保密审查 第 1 项的日期: 不是有效的日期：应为真实存在的日期，格式 YYYY-MM-DD（例如 2024-03-15），实际为文本“2024-02-30”",
    ]


class _Catalogue:
    def __init__(self, items):
        self.items = items


def test_report_when_clean_and_when_not():
    assert format_report([], 12) == "保密审查：未发现问题（已检查 12 个公开事项，内部事项不上网，不检查）。"
    item = make_item(BASE)
    report = format_report(scan_catalogue(_Catalogue([item])), 1)
    assert report.splitlines()[-1] == ("保密审查：发现 3 处问题，涉及 1 个文件。疑似敏感内容必须删除或脱敏后才能公开；"
                                       "确需公开的，由审核人确认后在该事项的 保密审查 中登记。")


def test_example_items_have_no_findings(mini_project):
    catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert problems == [] and len(catalogue.items) == 2
    assert scan_catalogue(catalogue) == []


def test_scan_project_end_to_end(mini_project):
    out = io.StringIO()
    assert scan_project(mini_project, out) == 0
    assert out.getvalue() == "保密审查：未发现问题（已检查 2 个公开事项、2 个公开指南页面和 1 个附件，内部事项不上网，不检查）。\n"
    item = mini_project / "content" / "items" / "社会救助" / "低保名单.md"
    item.write_text(item.read_text(encoding="utf-8") + "\n经办人 13800138000\n", encoding="utf-8")
    out = io.StringIO()
    assert scan_project(mini_project, out) == 1
    assert out.getvalue().splitlines()[0] == (
        "content/items/社会救助/低保名单.md:23: 正文: 疑似手机号码“138****8000”："
        "公开前请删除或脱敏；确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人")


def test_scan_project_does_not_promise_what_it_could_not_read(mini_project):
    broken = mini_project / "content" / "items" / "坏.md"
    broken.write_text("没有字段\n", encoding="utf-8")
    out = io.StringIO()
    assert scan_project(mini_project, out) == 1
    assert out.getvalue().splitlines()[-1] == "另有 1 个格式问题，相关事项未能检查：请先运行 invoke validate 逐条修正。"


def test_the_example_catalogue_has_no_findings():
    """The committed example catalogue must scan clean (the issue's false-positive bar)."""
    out = io.StringIO()
    code = scan_project(REPO, out)
    assert code == 0, out.getvalue()


def test_the_real_catalogue_table_has_no_findings():
    """Every cell of the real Haitan table (tests/fixtures/real) and the guide pages scan clean."""
    import csv

    table = REPO / "tests" / "fixtures" / "real" / "haitan-standard-catalogue.csv"
    cells = [cell for row in csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))) for cell in row]
    pages = [p.read_text(encoding="utf-8") for p in sorted((REPO / "content" / "pages").glob("*.md"))]
    assert len(cells) > 500 and len(pages) == 3
    assert [m for text in cells + pages for m in find_sensitive(text)] == []


def test_invoke_scan_catches_the_sidesteps_of_issue_9(mini_project):
    """Through the public entry point: the 6c formats and the 6d masked acknowledgement."""
    item = mini_project / "content" / "items" / "社会救助" / "低保名单.md"
    text = item.read_text(encoding="utf-8").replace("发布日期: 2024-03-05\n", "发布日期: 2024-03-05\n" + ACK.format(
        content="138****5678", kind="手机号码"))
    item.write_text(text + "户主 110101-19900307-1233\n电话 (138)9999-5678\n卡号 622202&nbsp;1001123456789\n"
                    "机密文件，依法办理\n", encoding="utf-8")
    result = run_invoke(mini_project, "scan")
    assert result.returncode == 1
    advice = "公开前请删除或脱敏；确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人"
    path = "content/items/社会救助/低保名单.md"
    assert result.stdout.splitlines() == [
        f"{path}:21: 保密审查 第 1 项的内容: " + UNUSABLE.format("138****5678", "手机号码"),
        f"{path}:28: 正文: 疑似居民身份证号码“1101**********1233”：{advice}",
        f"{path}:29: 正文: 疑似手机号码“138****5678”：{advice}",
        f"{path}:30: 正文: 疑似银行卡号“6222 **** **** *** 6789”：{advice}",
        f"{path}:31: 正文: 疑似密级标识“机密”：涉密、内部或不予公开的信息不得上网公开，请删除；确属误报的，请在 保密审查 中登记并注明审核人",
        "保密审查：发现 5 处问题，涉及 1 个文件。疑似敏感内容必须删除或脱敏后才能公开；确需公开的，由审核人确认后在该事项的 保密审查 中登记。"]


def test_a_short_text_seen_before_gets_the_same_hits_and_a_list_of_its_own():
    """Field values repeat from file to file, so short texts' hits are remembered
    (detect._short_text_hits). Each caller still gets its own list, and a long text (a body,
    seldom seen twice) is never kept in memory."""
    from gongkai.secrecy import detect

    short = "联系电话 13812345678，身份证号 530102199003071235"
    first = find_sensitive(short)
    first.append("changed by a caller")
    assert [m.value for m in find_sensitive(short)] == ["13812345678", "530102199003071235"]
    long = "正文" * detect.SHORT_TEXT + short
    detect._short_text_hits.cache_clear()
    assert [m.value for m in find_sensitive(long)] == ["13812345678", "530102199003071235"]
    assert detect._short_text_hits.cache_info().currsize == 0
    assert [m.start for m in find_sensitive(long)] == [len(long) - len(short) + 5, len(long) - 18]
