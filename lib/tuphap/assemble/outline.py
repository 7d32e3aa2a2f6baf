"""The report's outline: its headings and what stands under each, read from the assembled HTML.

A heading "owns" what follows it up to the next heading of the same or a higher rank (h3 over h4 over
h5). The closing sentence (p.closing) and the signature block belong to no heading. A heading that owns
nothing reads "(không có)", as the reference report writes it; whether it owns anything is known only
once every section is assembled, since a heading's part may be filled by later cells.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import Tag

NONE_NOTE = "(không có)"
HEADINGS = {"h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}  # h1 is the document title, outside the outline
CONTENT = ("p", "ul", "ol", "figure", "table", "details", "blockquote", "pre")
# Elements that end every heading's part: the text after them is outside the outline.
OUTSIDE = ("closing", "signature")


@dataclass(frozen=True)
class Item:
    kind: str  # "heading", "content" or "outside"
    element: Tag
    rank: int = 0  # for headings: 2 (part title) … 6


def items(root: Tag) -> Iterator[Item]:
    """The outline's items in document order. Wrappers (sections, divs) are entered; a part label
    ('Phần thứ nhất:') is the part title's, not content; the data-quality note stands apart."""
    for child in root.children:
        if not isinstance(child, Tag):
            continue
        classes = child.get("class") or []
        if any(name in classes for name in OUTSIDE):
            yield Item("outside", child)
        elif child.name in HEADINGS:
            yield Item("heading", child, HEADINGS[child.name])
        elif child.name == "aside" or "part-label" in classes or "doc-header" in classes or child.name == "h1":
            continue
        elif child.name in CONTENT:
            yield Item("content", child)
        else:
            yield from items(child)


def empty_headings(outline: list[Item]) -> list[Tag]:
    """The headings that own no content and no sub-heading."""
    empty = []
    for position, item in enumerate(outline):
        if item.kind != "heading":
            continue
        following = outline[position + 1] if position + 1 < len(outline) else None
        owns = following is not None and (following.kind == "content" or
                                          (following.kind == "heading" and following.rank > item.rank))
        if not owns:
            empty.append(item.element)
    return empty


def mark_empty_headings(roots: list[Tag]) -> None:
    """Add "(không có)" to every heading that owns nothing, across the given section roots in order."""
    outline = [item for root in roots for item in items(root)]
    for heading in empty_headings(outline):
        text = heading.get_text()
        if not text.rstrip().endswith(NONE_NOTE):
            heading.append(f" {NONE_NOTE}")
