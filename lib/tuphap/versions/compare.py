"""What changed between two copies of a report (two kept versions, or the last version and the current
draft): the figures it was built from (indicator, old → new), its sentences added, removed or changed,
and its acknowledgements. Compared by data and text, never by rendering."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

from tuphap.compute.figures import format_value
from tuphap.inputs.catalogue import Catalogue
from tuphap.versions.store import Version

# The blocks of text in the report's sections (page.html.j2), in reading order.
BLOCKS = ("//section[contains(concat(' ', normalize-space(@class), ' '), ' report-section ')]"
          "//*[self::p or self::li or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")
# A sentence ends at . ! ? … and a space, if a capital, a digit or an opening mark follows ("1.733" stays whole).
_BREAK = re.compile(r"(?<=[.!?…])\s+")
SIMILAR = 0.6  # a removed and an added sentence this alike are one sentence changed


@dataclass(frozen=True)
class Copy:
    """One side of a comparison: its name ('v1', or the draft), figures, report HTML and acknowledgements."""
    name: str
    figures: dict
    report_html: Path
    acknowledged: list[dict]

    @classmethod
    def of_version(cls, version: Version) -> "Copy":
        return cls(version.name, version.record.get("figures", {}), version.folder / "report.html",
                   version.record.get("acknowledged", []))


@dataclass
class Comparison:
    older: str
    newer: str
    figures: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, label, old, new ('' when absent)
    sentences: list[tuple[str, str, str]] = field(default_factory=list)  # 'added' | 'removed' | 'changed', old, new
    acknowledgements: list[tuple[str, str, str, str]] = field(default_factory=list)  # rule, indicator, old, new reason

    @property
    def empty(self) -> bool:
        return not (self.figures or self.sentences or self.acknowledgements)


def sentences(report_html: Path) -> list[str]:
    """The report's sentences in reading order: its sections' paragraphs, list items and headings."""
    document = lxml_html.fromstring(report_html.read_bytes())
    found = []
    for block in document.xpath(BLOCKS):
        if block.xpath("ancestor::li|ancestor::p"):  # inside another block: said with it
            continue
        text = " ".join(block.text_content().split())
        found += _split(text)
    return found


def _split(text: str) -> list[str]:
    parts: list[str] = []
    for piece in filter(None, _BREAK.split(text)):
        if parts and not (piece[0].isupper() or piece[0].isdigit() or piece[0] in "\"“(«"):
            parts[-1] += " " + piece  # "… v.v. và …": a word in lower case goes on the sentence
        else:
            parts.append(piece)
    return parts


def _shown(catalogue: Catalogue, indicator: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) or indicator not in catalogue:
        return str(value)
    return format_value(catalogue[indicator], value, pad=False)


def _figures(older: dict, newer: dict, catalogue: Catalogue) -> list[tuple[str, str, str, str]]:
    changed = []
    for indicator in sorted(set(older) | set(newer), key=lambda i: (i not in catalogue, i)):
        old, new = older.get(indicator), newer.get(indicator)
        if old != new and not (old != old and new != new):  # NaN on both sides is no change
            label = catalogue[indicator].label if indicator in catalogue else indicator
            changed.append((indicator, label, _shown(catalogue, indicator, old), _shown(catalogue, indicator, new)))
    return changed


def _sentences(older: list[str], newer: list[str]) -> list[tuple[str, str, str]]:
    changes = []
    for operation, i1, i2, j1, j2 in difflib.SequenceMatcher(None, older, newer, autojunk=False).get_opcodes():
        if operation == "equal":
            continue
        removed, added = list(older[i1:i2]), list(newer[j1:j2])
        while removed and added:  # pair alike sentences as changed, in order
            old, new = removed[0], added[0]
            if difflib.SequenceMatcher(None, old, new).ratio() < SIMILAR:
                break
            changes.append(("changed", old, new))
            removed.pop(0), added.pop(0)
        changes += [("removed", old, "") for old in removed] + [("added", "", new) for new in added]
    return changes


def _acknowledgements(older: list[dict], newer: list[dict]) -> list[tuple[str, str, str, str]]:
    def by_key(items):
        return {(a["rule"], a.get("indicator", "")): a.get("reason", "") for a in items}

    old, new = by_key(older), by_key(newer)
    return [(rule, indicator, old.get((rule, indicator), ""), new.get((rule, indicator), ""))
            for rule, indicator in sorted(set(old) | set(new)) if old.get((rule, indicator)) != new.get((rule, indicator))]


def compare(older: Copy, newer: Copy, catalogue: Catalogue) -> Comparison:
    return Comparison(older.name, newer.name, _figures(older.figures, newer.figures, catalogue),
                      _sentences(sentences(older.report_html), sentences(newer.report_html)),
                      _acknowledgements(older.acknowledged, newer.acknowledged))
