"""'(không có)' exactly where a heading owns nothing in the assembled report."""
from __future__ import annotations

from bs4 import BeautifulSoup

from tuphap.assemble.outline import mark_empty_headings


def marked(*sections: str) -> list[str]:
    soups = [BeautifulSoup(html, "html.parser") for html in sections]
    mark_empty_headings(soups)
    return [h.get_text() for soup in soups for h in soup.select("h2, h3, h4, h5, h6")]


def test_a_heading_with_content_is_left_alone_and_one_without_reads_khong_co():
    assert marked("<h4>1. Kết quả</h4><p>Nội dung.</p><h4>2. Khó khăn, hạn chế</h4>") == \
        ["1. Kết quả", "2. Khó khăn, hạn chế (không có)"]


def test_a_part_filled_by_later_sections_is_not_empty():
    """'* Lĩnh vực Chứng thực' owns the figures that later cells write, not only its narrative."""
    assert marked("<h6>* Lĩnh vực Chứng thực</h6>", "<p>Tổng số hồ sơ chứng thực chữ ký: 1.850 trường hợp.</p>") == \
        ["* Lĩnh vực Chứng thực"]


def test_sub_headings_count_as_content_and_higher_headings_end_a_part():
    assert marked("<h3>I. Chỉ đạo</h3><h4>1. Kết quả</h4><p>x</p><h4>2. Hạn chế</h4><h3>II. Lĩnh vực</h3><p>y</p>") == \
        ["I. Chỉ đạo", "1. Kết quả", "2. Hạn chế (không có)", "II. Lĩnh vực"]


def test_the_closing_sentence_and_signature_belong_to_no_heading():
    assert marked('<h3>II. ĐỀ XUẤT, KIẾN NGHỊ</h3><p class="closing">Trên đây là báo cáo ./.</p>'
                  '<table class="signature"><tr><td>Nơi nhận:</td></tr></table>') == ["II. ĐỀ XUẤT, KIẾN NGHỊ (không có)"]


def test_part_labels_and_the_data_quality_note_are_not_content():
    html = ('<h5>6.2. Phòng ngừa</h5><aside class="data-quality"><p>Ghi chú</p></aside>'
            '<div class="part"><p class="part-label">Phần thứ hai:</p><h2 class="part-title">ĐÁNH GIÁ</h2></div><p>z</p>')
    assert marked(html) == ["6.2. Phòng ngừa (không có)", "ĐÁNH GIÁ"]


def test_a_heading_already_saying_khong_co_is_not_marked_twice():
    assert marked("<h4>2. Khó khăn (không có)</h4>") == ["2. Khó khăn (không có)"]
