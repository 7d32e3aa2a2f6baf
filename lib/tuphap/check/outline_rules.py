"""The outline as a reader sees it: every heading has something under it, and one that says
"(không có)" has nothing. Headings rank by their HTML level, then by their numbering (I. over 1. over
1.1. over a) over *), as a reader takes them; assembly (assemble/outline.py) decides "(không có)" by
level alone, and this check reads the result independently."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tuphap.check import document_text
from tuphap.check.text_rules import short

KHONG_CO = "(không có)"


@dataclass(frozen=True)
class HeadingFinding:
    block: document_text.Block
    rule: str
    expected: str
    found: str
    message: str
    message_vi: str


# How deep a heading's numbering is, which orders headings of the same HTML level: a reader takes
# "* Lĩnh vực Hộ tịch" for an item of "5.1. Kết quả đạt được", and "a) …" for one of "6.2. …", even
# where a notebook sets them all as h5.
_NUMBERING = [
    (re.compile(r"^[IVXLC]+\.\s"), lambda m: 0),                      # I. II. III.
    (re.compile(r"^(\d+(?:\.\d+)*)\.?\s"), lambda m: m.group(1).count(".") + 1),  # 1.  1.1.  1.1.1.
    (re.compile(r"^[a-zđ]\)\s"), lambda m: 4),                          # a) b) … đ)
    (re.compile(r"^[*\-–+•]\s"), lambda m: 5),                          # * - + •
]


def heading_rank(level: int, text: str) -> tuple[int, int]:
    """A heading's rank as a reader sees it: its HTML level, then its numbering (lower is higher)."""
    for pattern, depth in _NUMBERING:
        match = pattern.match(text)
        if match:
            return level, depth(match)
    return level, 0


def heading_findings(blocks: list[document_text.Block]) -> list[HeadingFinding]:
    """Each heading (but the document title, h1) must have content or sub-headings before the next heading
    of the same or higher rank (heading_rank); one that says '(không có)' must have none. A part label
    ("Phần thứ nhất:") belongs to the part title after it. The closing ("Trên đây là báo cáo …./.", the
    signature, the endnotes) is no section's content."""
    open_headings: list[list] = []  # [rank, block, heading text, first content block or None]
    found: list[HeadingFinding] = []

    def close(rank: tuple[int, int]) -> None:
        while open_headings and open_headings[-1][0] >= rank:
            _, block, text, content = open_headings.pop()
            if text.rstrip().lower().endswith(KHONG_CO):
                if content is not None:
                    what = "a sub-heading" if content.kind == "heading" else "content"
                    found.append(HeadingFinding(block, "doc_heading_khong_co_with_content", "nothing under it",
                                                short(content.text, 80) or content.tag,
                                                f"the heading “{short(text)}” says “{KHONG_CO}” but {what} follows it",
                                                f"Đề mục “{short(text)}” ghi “{KHONG_CO}” nhưng bên dưới vẫn có nội dung"))
            elif content is None and block.level > 1:
                found.append(HeadingFinding(
                    block, "doc_heading_empty", f"content, or “{KHONG_CO}”", short(text, 80),
                    f"the heading “{short(text)}” has nothing under it (no text and no sub-heading before "
                    f"the next heading of its rank); write its content, or end it with “{KHONG_CO}”",
                    f"Đề mục “{short(text)}” không có nội dung bên dưới; cần bổ sung nội dung hoặc ghi “{KHONG_CO}”"))

    def mark(content: document_text.Block) -> None:
        for entry in open_headings:
            if entry[3] is None:
                entry[3] = content

    label: document_text.Block | None = None
    for block in blocks:
        if label is not None and block.kind != "heading":
            mark(label)  # a label without a title under it is content
            label = None
        if block.kind == "label":
            label = block
        elif block.kind == "heading":
            text = f"{label.text} {block.text}" if label is not None else block.text
            label = None
            rank = heading_rank(block.level, block.text)
            close(rank)
            mark(block)
            open_headings.append([rank, block, text, None])
        elif block.kind == "closing":
            close((0, 0))
        elif block.kind == "content" and block.has_content:
            mark(block)
    close((0, 0))
    return found
