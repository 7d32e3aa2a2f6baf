import pytest

from tuphap.compute.figures import Figures
from tuphap.compute.prose import Source, figure_phrase, fill, fill_words, knows_none
from tuphap.errors import TuphapError
from tuphap.inputs.catalogue import Catalogue, Indicator

CATALOGUE = Catalogue([
    Indicator("hg.tong", "II.2", "Vụ việc tiếp nhận", "vụ việc", "count"),
    Indicator("hg.thanh", "II.2", "Hòa giải thành", "vụ việc", "count", part_of="hg.tong"),
    Indicator("hg.khong", "II.2", "Không thành", "vụ việc", "count", part_of="hg.tong"),
    Indicator("hg.dang", "II.2", "Đang giải quyết", "vụ việc", "count", part_of="hg.tong"),
    Indicator("hg.ty_le", "II.2", "Tỷ lệ thành", "%", "rate", numerator="hg.thanh", denominator="hg.tong"),
    Indicator("pb.gio", "II.1", "Giờ phát thanh", "giờ/ngày", "number"),
])
FIGURES = Figures(CATALOGUE, {"hg.tong": 15, "hg.thanh": 10, "hg.khong": 5, "pb.gio": 3.5})
WORDS = {"year": "2024", "unit_kind": "thị trấn"}
SOURCE = Source("test")


def render(template: str) -> str:
    return fill(template, FIGURES, WORDS, SOURCE)


def test_placeholders_are_filled_and_formatted():
    html = render("Năm {year}, {unit_kind} tiếp nhận {hg.tong} vụ, thành {hg.thanh}, đạt {hg.ty_le}; {pb.gio} giờ.")
    assert html == "<p>Năm 2024, thị trấn tiếp nhận 15 vụ, thành 10, đạt 66,7%; 3,5 giờ.</p>\n"


def test_modifiers():
    assert "không thành 5 vụ" in render("không thành {hg.khong|nopad} vụ")
    zero = Figures(CATALOGUE, {"hg.khong": 0})
    assert "không" in fill("đoàn: {hg.khong|zero_word}", zero, WORDS, SOURCE)
    assert ("Hòa giải thành: 10 vụ việc; Không thành: 05 vụ việc" in render("{hg.tong|parts}"))


def test_missing_figure_is_shown_not_hidden():
    html = render("Đang giải quyết {hg.dang} vụ.")
    assert 'class="missing"' in html and "thiếu số liệu: Đang giải quyết" in html
    assert not knows_none("{hg.dang} {hg.tong}", FIGURES)  # one known: the sentence stays, marked
    assert knows_none("Đang giải quyết {hg.dang} vụ.", FIGURES)  # none known: an optional one goes
    assert not knows_none("Năm {year}.", FIGURES)  # no figure at all: nothing to miss


def test_rate_with_zero_denominator_is_missing():
    figures = Figures(CATALOGUE, {"hg.tong": 0, "hg.thanh": 0})
    assert not figures.has("hg.ty_le")


def test_inline_footnote_stays_in_place_for_assembly():
    html = render("Tổng {hg.tong} vụ^[Gồm {hg.tong|parts}.].")
    assert '15 vụ<span class="footnote">Gồm Hòa giải thành: 10 vụ việc; Không thành: 05 vụ việc.</span>.' in html


def test_raw_html_in_prose_is_shown_as_text():
    html = render("<script>alert(1)</script> *nhấn*")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<em>nhấn</em>" in html


@pytest.mark.parametrize("template, message", [
    ("{hg.khong_co}", "names no indicator"),
    ("{nam}", "is unknown"),
    ("{hg.tong|tron}", "unknown modifier"),
])
def test_bad_placeholders_name_their_source(template, message):
    with pytest.raises(TuphapError, match=message) as error:
        fill(template, FIGURES, WORDS, Source("data/narrative/2024/x.md, line 7"))
    assert str(error.value).startswith("data/narrative/2024/x.md, line 7")


def test_words_only_in_headings():
    assert fill_words("NĂM {year}", WORDS, SOURCE) == "NĂM 2024"
    with pytest.raises(TuphapError):
        fill_words("{hg.tong}", WORDS, SOURCE)


def test_reference_style_footnotes_also_stay_in_place():
    html = render("Tổng {hg.tong} vụ[^a].\n\n[^a]: Gồm {hg.thanh} vụ thành.\n")
    assert '15 vụ<span class="footnote">Gồm 10 vụ thành.</span>.' in html
    assert "footnotes" not in html


def test_co_reads_khong_co_for_zero_and_co_with_the_figure_otherwise():
    zero = Figures(CATALOGUE, {"hg.dang": 0})
    assert "trong đó không có vụ việc đang giải quyết" in fill("trong đó {hg.dang|co} vụ việc đang giải quyết", zero, WORDS, SOURCE)
    assert "trong đó có 05 vụ không thành" in render("trong đó {hg.khong|co} vụ không thành")
    assert "thiếu số liệu: Đang giải quyết" in render("trong đó {hg.dang|co} vụ")  # missing stays visible


def test_a_zero_count_is_never_written_00():
    zero = Figures(CATALOGUE, {"hg.khong": 0})
    assert fill("không thành {hg.khong} vụ", zero, WORDS, SOURCE) == "<p>không thành 0 vụ</p>\n"


def test_a_figure_phrase_carries_its_unit_except_for_shares():
    assert figure_phrase(FIGURES, "hg.tong") == "15 vụ việc"
    assert figure_phrase(FIGURES, "hg.ty_le") == "66,7%"
    assert "thiếu số liệu: Đang giải quyết" in figure_phrase(FIGURES, "hg.dang")
