"""End to end: `tuphap build` for Tân Khai 2024, checked against the reference report."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import nbformat
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from tests.conftest import BAD_INPUT, run_tuphap, writable_copy
from tests.runtime.build_ids import ledger_ids, one_build_each

# Every figure of the reference report, in the report's order, formatted as DOMAIN.md says. Each entry
# is (figure, words around it) so that a figure is found where it belongs. The citizen-reception part
# (6.1) compares like with like: each 2023 figure beside the same indicator in 2024, where the
# reference set 2023's "288 ngày" against 2024's 240 + 48 "lượt".
MAIN_TEXT = [
    "ngày 25 tháng 10 năm 2024", "3043/UBND-NC ngày 24/10/2024",
    "12 thành viên", "07 nhà văn hóa", "125 buổi", "3.850 lượt người", "3 giờ/ngày",
    "07 tổ hòa giải/07 khu phố", "59 hòa giải viên", "từ 07 đến 09 người", "01 công chức",
    "01/01/2024 đến 16/10/2024", "tiếp nhận 15 vụ việc", "hòa giải thành 10 vụ việc", "66,7%",
    "không thành 05 vụ", "01 tủ sách pháp luật với 650 đầu sách", "07 khu phố có 07 tủ sách",
    "1.733 hồ sơ", "trong đó có 07 hồ sơ trễ hạn", "1.733 hồ sơ, đạt tỷ lệ 100%",
    "1.850 trường hợp", "1.997 trường hợp", "có 03 trường hợp chứng thực điện tử",
    "240 lượt", "48 lượt", "15 đơn", "đất đai 06 đơn", "đã giải quyết 05 đơn", "05 đơn hòa giải thành",
    "có 01 đơn đang giải quyết", "khác 09 đơn", "đã giải quyết 07 đơn", "có 02 đơn đang xác minh",
    "không có đơn khiếu nại, tố cáo", "16 đơn",
    "So sánh với năm 2023", "Lượt tiếp công dân: 288 lượt (năm 2023: 30 lượt)", "(năm 2023: 288 ngày)",
    "(năm 2023: 16 vụ việc)", "(năm 2023: 0 đoàn)", "(năm 2023: 0 đơn)", "15 đơn (năm 2023: 16 đơn)",
    "(năm 2023: 14 đơn)", "1.803 hồ sơ (năm 2023:",
    "1.803 hồ sơ", "ngân sách nhà nước: 100%", "100% hồ sơ được tiếp nhận",
]
# What the reference report lacks for a comparison with 2023: shown as missing, not left out.
NOT_IN_THE_REFERENCE = {"Ngày tiếp công dân", "Vụ việc tiếp lần đầu", "Đoàn đông người", "Đơn kỳ trước chuyển sang",
                        "Đơn thư đã xử lý", "Hồ sơ thủ tục hành chính tiếp nhận tại Bộ phận Một cửa"}
FOOTNOTES = [
    ["Đăng ký khai sinh: 286 trường hợp", "Đăng ký kết hôn: 142 trường hợp",
     "xác nhận tình trạng hôn nhân: 559 trường hợp", "trích lục hộ tịch: 681 trường hợp",
     "Đăng ký khai tử: 50 trường hợp", "giám hộ: 01 trường hợp", "hộ tịch: 13 trường hợp"],
    ["năm 2024: 1.733 hồ sơ", "trực tuyến: 1.733 hồ sơ, đạt tỷ lệ 100%"],
]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def assert_in_order(text: str, phrases: list[str]) -> None:
    position = 0
    for phrase in phrases:
        found = text.find(phrase, position)
        assert found >= 0, f"{phrase!r} not found after position {position}: …{text[position:position + 200]}…"
        position = found + len(phrase)


@pytest.fixture(scope="module")
def html(built_tan_khai):
    return (built_tan_khai / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf(built_tan_khai):
    return PdfReader(built_tan_khai / "report.pdf")


def test_html_holds_every_reference_figure_in_order(html):
    soup = BeautifulSoup(html, "html.parser")
    notes = soup.select_one("section.footnotes")
    notes.extract()
    assert_in_order(squash(soup.get_text()), MAIN_TEXT)
    items = [squash(li.get_text()) for li in notes.select("li")]
    assert len(items) == 2
    for item, expected in zip(items, FOOTNOTES):
        assert_in_order(item, expected)


def test_html_footnote_calls_sit_where_the_reference_puts_them(html):
    text = squash(BeautifulSoup(html, "html.parser").get_text())
    assert "năm 2024: 1.733 hồ sơ1, trong đó" in text  # the call right after the total, as in the reference
    assert 'href="#fn-1"' in html and 'id="fn-1"' in html


def test_html_is_self_contained_with_no_code_or_prompts(html):
    for leftover in ("import tuphap", "open_section", "section.text(", "In [", "Out[", "jp-InputArea", "<script", "Traceback"):
        assert leftover not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert html.count('src="data:image/png;base64,') == 3  # mediation, civil status, year comparison
    soup = BeautifulSoup(html, "html.parser")
    missing = {span.get_text().removeprefix("[thiếu số liệu: ").removesuffix("]") for span in soup.select(".missing")}
    assert missing == NOT_IN_THE_REFERENCE
    assert all(span.find_parent("li") for span in soup.select(".missing"))  # all in the comparison list


def test_every_charted_figure_is_text_too(html):
    soup = BeautifulSoup(html, "html.parser")
    charts = soup.select("figure.chart")
    assert len(charts) == 3
    civil_status = next(chart for chart in charts if "hộ tịch" in chart.figcaption.get_text())
    alt = civil_status.img["alt"]
    table = squash(civil_status.select_one("details table").get_text(" "))
    for label, figure in [("Đăng ký khai sinh", "286"), ("Đăng ký kết hôn", "142"),
                          ("Cấp giấy xác nhận tình trạng hôn nhân", "559"), ("Cấp bản sao trích lục hộ tịch", "681"),
                          ("Đăng ký khai tử", "50"), ("Đăng ký giám hộ", "1"), ("Cải chính, thay đổi, bổ sung hộ tịch", "13")]:
        assert f"{label}: {figure} trường hợp" in alt and f"{label} trường hợp {figure}" in table
    mediation = next(chart for chart in charts if "hòa giải" in chart.figcaption.get_text())
    assert "Hòa giải thành: 10 vụ việc; Hòa giải không thành: 5 vụ việc." in mediation.img["alt"]
    years = squash(charts[-1].select_one("details table").get_text(" "))
    assert "Năm 2023 Năm 2024" in years and "Lượt tiếp công dân lượt 30 288" in years


def test_the_page_says_draft_or_final_when_built_and_from_which_data(html, built_tan_khai):
    ledger = json.loads((built_tan_khai.parents[2] / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    entry = ledger["reports"]["2024/tan-khai"]
    footer = squash(BeautifulSoup(html, "html.parser").select_one("footer.build-info").get_text())
    assert re.fullmatch(rf"Bản dự thảo · tạo lúc \d\d:\d\d ngày \d\d/\d\d/\d{{4}} từ dữ liệu #{entry['data_hash']} · tuphap .+", footer)
    assert entry["mode"] == "draft" and len(entry["data_hash"]) == 12


def test_pdf_and_word_carry_title_author_and_language(pdf, built_tan_khai):
    from docx import Document

    title = "Báo cáo tổng kết công tác Tư pháp năm 2024 — thị trấn Tân Khai"
    assert pdf.metadata.title == title and pdf.metadata.author == "UBND thị trấn Tân Khai"
    assert pdf.trailer["/Root"]["/Lang"] == "vi"
    properties = Document(built_tan_khai / "report.docx").core_properties
    assert (properties.title, properties.author, properties.language) == (title, "UBND thị trấn Tân Khai", "vi-VN")
    assert properties.subject == "Bản dự thảo"


def test_pdf_text_holds_every_reference_figure_in_order(pdf):
    text = squash(" ".join(page.extract_text() for page in pdf.pages))
    assert_in_order(text, MAIN_TEXT)
    for expected in FOOTNOTES:
        assert_in_order(text, expected)


def test_pdf_is_a4_with_the_official_header_and_page_numbers_from_page_two(pdf):
    assert len(pdf.pages) >= 5
    width, height = (float(v) for v in pdf.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    first = squash(pdf.pages[0].extract_text())
    assert_in_order(first, ["ỦY BAN NHÂN DÂN", "THỊ TRẤN TÂN KHAI", "Số:", "/BC-UBND",
                            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                            "Tân Khai, ngày 25 tháng 10 năm 2024", "BÁO CÁO", "Tổng kết công tác Tư pháp năm 2024"])
    assert not re.search(r"(^|\s)1\s*$", pdf.pages[0].extract_text())
    for number, page in enumerate(pdf.pages[1:], start=2):
        assert page.extract_text().split()[-1] == str(number) or page.extract_text().split()[0] == str(number)
    last = squash(pdf.pages[-1].extract_text())
    assert_in_order(last, ["Nơi nhận:", "Phòng Tư pháp;", "Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                           "Lê Viết Truyền"])


def _fonts(pdf):
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            yield (descendants[0].get_object() if descendants else font)


def test_pdf_fonts_are_all_embedded_and_times_compatible_when_installed(pdf):
    fonts = list(_fonts(pdf))
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    if shutil.which("fc-list") and "Liberation Serif" in subprocess.run(
            ["fc-list"], capture_output=True, text=True).stdout:
        assert all("Liberation-Serif" in str(font["/BaseFont"]) for font in fonts)


def test_executed_sections_are_kept(built_tan_khai):
    sections = sorted((built_tan_khai / "sections").glob("*.ipynb"))
    assert len(sections) == 11
    nb = nbformat.read(sections[3], as_version=4)
    assert any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def test_failing_section_names_unit_year_section_cell_and_error(project):
    notebook_path = project / "notebooks" / "03-hoa-giai-co-so.ipynb"
    nb = nbformat.read(notebook_path, as_version=4)
    nb.cells.insert(5, nbformat.v4.new_code_cell('section.text("{hoa_giai.khong_co}")'))
    nbformat.write(nb, notebook_path)
    old_report = project / "outputs" / "2024" / "tan-khai" / "report.html"
    old_report.parent.mkdir(parents=True)
    old_report.write_text("last good report", encoding="utf-8")

    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", root=project)

    assert result.returncode == 1
    assert "unit tan-khai, year 2024, section 03-hoa-giai-co-so, cell 7: TuphapError" in result.stderr
    assert "{hoa_giai.khong_co} names no indicator" in result.stderr
    assert "Traceback" not in result.stderr
    kept = project / "outputs" / "2024" / "tan-khai" / "failed-sections" / "03-hoa-giai-co-so.ipynb"
    assert kept.is_file() and str(kept) in result.stderr
    assert any(o.output_type == "error" for c in nbformat.read(kept, as_version=4).cells
               if c.cell_type == "code" for o in c.outputs)
    assert old_report.read_text(encoding="utf-8") == "last good report"


@pytest.mark.parametrize("args, message", [
    (["build", "--unit", "../x", "--year", "2024"], "invalid unit slug"),
    (["build", "--unit", "tan-khai", "--year", "2031"], "no report for 2031"),
    (["build"], "say what to build"),
])
def test_bad_build_requests_are_explained(project, args, message):
    result = run_tuphap(*args, root=project)
    assert result.returncode != 0 and message in result.stderr and "Traceback" not in result.stderr


def test_the_three_files_and_the_ledger_entry_record_one_build(built_tan_khai):
    root = built_tan_khai.parents[2]
    files = one_build_each(root)
    assert set(files) == {"2024/tan-khai"} and ledger_ids(root)["2024/tan-khai"] == files["2024/tan-khai"]


def test_a_late_failure_keeps_the_old_files_and_the_last_good_entry_and_the_fix_reruns_nothing(built_an_phu_mau,
                                                                                                 tmp_path):
    """Issue 13, defects 2 and 11: the document check refuses the new files after every section ran
    and all three were rendered; the old three stay, the ledger keeps the last good build and records
    the failure beside it, and once the narrative is put back nothing needs running again."""
    project = writable_copy(built_an_phu_mau, tmp_path / "project")
    folder = project / "outputs" / "2024" / "an-phu-mau"
    good = json.loads((project / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]["2024/an-phu-mau"]
    files = {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    narrative = project / "data" / "narrative" / "2024" / "an-phu-mau.md"
    kept_narrative = narrative.read_bytes()
    shutil.copy(BAD_INPUT / "narrative-html.md", narrative)  # markup the document check refuses

    result = run_tuphap("build", "--unit", "an-phu-mau", "--year", "2024", "--quiet", root=project)

    assert result.returncode == 1 and "the document check found" in result.stderr, result.stdout + result.stderr
    assert {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*")
            if path.is_file() and "failed-sections" not in path.parts} == files
    assert len(list((folder / "failed-sections").glob("*.ipynb"))) == 11  # the attempt's, for the analyst
    entry = json.loads((project / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]["2024/an-phu-mau"]
    last_good = ("build_id", "built_at", "mode", "input_hash", "sections", "missing_markers", "data_hash")
    assert {name: entry[name] for name in last_good} == {name: good[name] for name in last_good}
    assert entry["status"] == "failed" and entry["last_failure"]["error"].startswith("the document check found")
    assert entry["last_failure"]["at"] >= good["built_at"] and one_build_each(project) == {"2024/an-phu-mau": good["build_id"]}

    narrative.write_bytes(kept_narrative)
    result = run_tuphap("build", "--unit", "an-phu-mau", "--year", "2024", "--quiet", root=project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 built, 1 unchanged, 0 failed of 1 report(s)" in result.stdout
    assert "sections executed: 0, reused: 11" in result.stdout
    entry = json.loads((project / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]["2024/an-phu-mau"]
    assert entry["build_id"] == good["build_id"] and "last_failure" not in entry
    assert not (folder / "failed-sections").exists()
