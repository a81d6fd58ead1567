"""Fonts, wrapping and fitting: text never leaves its box."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from station.documents import fmt, fonts

CJK = (
    "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤，。、（）《》"
)
TEXT = st.text(alphabet=CJK + "abcdefghij KLMNOPQ 0123456789-.,()¥", min_size=0, max_size=80)


def test_font_files_ship_with_their_licences() -> None:
    for path in (fonts.SANS_FILE, fonts.BOLD_FILE):
        assert path.is_file()
    licences = {p.name for p in fonts.FONT_DIR.glob("LICENSE*")}
    assert {"LICENSE-wqy-microhei.txt", "LICENSE-DejaVu.txt"} <= licences
    size = sum(p.stat().st_size for p in fonts.FONT_DIR.iterdir())
    assert size < 10 * 1024 * 1024


def test_bold_runs_fall_back_to_the_cjk_font() -> None:
    runs = fonts.runs("到付 COD ¥12", bold=True)
    assert runs[0] == (fonts.SANS, "到付", True)
    assert runs[1][0] == fonts.BOLD and runs[1][1].startswith(" COD")
    assert fonts.runs("abc") == ((fonts.SANS, "abc", False),)


def test_clean_replaces_what_no_font_has() -> None:
    assert fonts.clean("a\tb\nc") == "a b c"
    assert fonts.clean("x\U0001f600y") == "x□y"
    assert fonts.clean("\ufffe") in ("", "□")
    assert fonts.clean("￥5") == "￥5"  # the CJK font has the full-width yen


def test_wrap_chinese_and_latin() -> None:
    lines = fonts.wrap("上海市浦东新区张江高科技园区碧波路690号 Room 501, Building 3", 100, 10)
    assert len(lines) > 1
    assert all(fonts.width(ln, 10) <= 100 + 1e-6 for ln in lines)
    assert (
        "".join(lines).replace(" ", "")
        == "上海市浦东新区张江高科技园区碧波路690号Room501,Building3"
    )


def test_closing_punctuation_never_starts_a_line() -> None:
    text = "收件人已搬走，无法联系，退回寄件人。" * 3
    for width in range(40, 160, 7):
        for line in fonts.wrap(text, width, 9)[1:]:
            assert line[0] not in "，。、；：？！）》", (width, line)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.floats(min_value=8, max_value=200), st.booleans())
def test_wrap_never_exceeds_the_width(text: str, width: float, bold: bool) -> None:
    size = 8
    lines = fonts.wrap(text, width, size, bold)
    for line in lines:
        assert fonts.width(line, size, bold) <= width + 1e-6 or len(line) == 1
    assert "".join(lines).replace(" ", "") == fonts.clean(text).replace(" ", "")


@settings(max_examples=150, deadline=None)
@given(
    TEXT.filter(lambda t: t.strip()),
    st.floats(min_value=20, max_value=200),
    st.floats(min_value=6, max_value=60),
    st.integers(min_value=1, max_value=4),
)
def test_fit_stays_in_the_box(text: str, width: float, height: float, max_lines: int) -> None:
    size, lines = fonts.fit(text, width, height, 14, min_size=5, max_lines=max_lines)
    assert 5 <= size <= 14
    assert 1 <= len(lines) <= max_lines
    for line in lines:
        assert fonts.width(line, size) <= width + 1e-6 or len(line) <= 1
    if size > 5:  # shrunk only as far as needed: it fits without an ellipsis
        assert not lines[-1].endswith(fonts.ELLIPSIS)


def test_fit_ellipsizes_at_the_minimum_size() -> None:
    size, lines = fonts.fit("中通快递股份有限公司华东分拨中心" * 5, 60, 12, 10, min_size=6)
    assert size == 6 and len(lines) == 1 and lines[0].endswith("…")


def test_money_and_names() -> None:
    assert fmt.yuan(1250) == "¥12.50"
    assert fmt.yuan(5) == "¥0.05"
    assert fmt.yuan(-300) == "-¥3.00"
    assert fmt.yuan(123456789) == "¥1,234,567.89"
    assert fmt.yuan(300, sign=True) == "+¥3.00"
    assert fmt.surname("张三") == "张*"
    assert fmt.surname("欧阳娜娜") == "欧阳*"
    assert fmt.surname("  John   Smith ") == "John*"
    assert fmt.surname("") == ""
    assert fmt.mask_phone("13812345678") == "138****5678"
    assert fmt.mask_phone("+86 138 1234 5678") == "138****5678"
    assert fmt.mask_phone("138****5678") == "138****5678"
    assert fmt.mask_phone("17012345678-1234") == "17012345678-1234"  # virtual number + ext
    assert fmt.method("wechat") == "微信 WeChat Pay"


def test_money_must_be_integer_fen() -> None:
    import pytest

    with pytest.raises(TypeError):
        fmt.yuan(12.5)  # type: ignore[arg-type]
