"""data/narrative/<year>/<unit>.md: a unit's own prose, block by block ('## key' lines)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import DataError, TuphapError
from tuphap.i18n import _
from tuphap.inputs.textfiles import read_text
from tuphap.limits import MAX_NARRATIVE_BYTES


@dataclass(frozen=True)
class NarrativeBlock:
    key: str
    text: str
    file: Path
    line: int  # line of the block's first text line, for messages


_BLOCK_HEADING = re.compile(r"^##\s+([a-z0-9_.-]+)\s*$")


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def without_comments(text: str) -> str:
    """Drop <!-- notes --> but keep their line breaks, so line numbers in messages stay right."""
    return _COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def read_narrative_text(path: Path) -> str:
    """The file's text, NFC, without its comments; DataError for a file over the size limit or a
    '<!--' never closed, whose notes would otherwise be printed in the report."""
    text = without_comments(unicodedata.normalize("NFC", read_text(path, MAX_NARRATIVE_BYTES)))
    if "<!--" in text:
        line = text.count("\n", 0, text.index("<!--")) + 1
        raise DataError(path, _("a comment opened with '<!--' is never closed with '-->', so the notes after it "
                                "would be printed in the report; close it"), row=line)
    return text


def load_narrative(path: Path) -> dict[str, NarrativeBlock]:
    """A unit's prose for one year: blocks introduced by '## key' lines, Markdown inside."""
    if not path.is_file():
        raise TuphapError(_("narrative file not found: expected {path}").format(path=path))
    blocks: dict[str, NarrativeBlock] = {}
    key, start, lines = None, 0, []

    def close():
        if key is not None:
            blocks[key] = NarrativeBlock(key, "\n".join(lines).strip(), path, start)

    text = read_narrative_text(path)  # not stripped: line numbers
    for number, line in enumerate(text.splitlines(), start=1):
        match = _BLOCK_HEADING.match(line)
        if match:
            close()
            key, start, lines = match.group(1), number + 1, []
            if key in blocks:
                raise DataError(path, _("block '## {key}' appears twice").format(key=key), row=number)
        elif key is not None:
            lines.append(line)
        elif line.strip():
            raise DataError(path, _("text before the first '## block-key' line"), row=number)
    close()
    return blocks


_NARRATIVE_CALLS = {"narrative": 0, "narrative_section": 1}  # the argument that names the block


def narrative_keys(notebooks: list[Path]) -> list[str]:
    """The blocks the notebooks show, in their order: the literal keys of their `section.narrative(key)` and
    `section.narrative_section(title, key)` calls (for a new unit's narrative file, `tuphap init`)."""
    import ast
    import json

    keys: list[str] = []
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            calls = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Call)),
                           key=lambda node: (node.lineno, node.col_offset))
            for call in calls:
                position = _NARRATIVE_CALLS.get(getattr(call.func, "attr", ""))
                if position is None:
                    continue
                argument = (call.args[position] if len(call.args) > position
                            else next((k.value for k in call.keywords if k.arg == "key"), None))
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str) and argument.value not in keys:
                    keys.append(argument.value)
    return keys
