"""Reading YAML files (params, report kinds) safely: bounded in size and nesting, no tags, no key given
twice, dates left as text for the schema to check.

PyYAML builds a document by recursion, one level per nesting level, and a file nested some ten
thousand levels deep overflows the C stack (a segfault, no message). So the depth is counted first on
the parser's event stream, which is not recursive, and the file is refused before it is built.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from tuphap.errors import DataError, TuphapError
from tuphap.i18n import _
from tuphap.inputs.textfiles import read_text
from tuphap.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH

# libyaml's parser when PyYAML was built with it: the same rules (no tags), many times faster.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPENING = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSING = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _Loader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key given twice in one mapping (YAML would keep the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node)
                if key in seen:
                    raise _DuplicateKey(problem=_("the key {key!r} is given twice in one mapping; keep one").format(key=key),
                                        problem_mark=key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


# A date stays text, for the schema (pydantic) to read and to refuse by field name: PyYAML's own
# conversion raises a bare ValueError on an impossible date (2024-02-30).
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


def _check_depth(path: Path, text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_BASE_LOADER):
        if isinstance(event, _OPENING):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise DataError(path, _("nested more than {limit} levels deep; params need three at most").format(
                    limit=MAX_YAML_DEPTH), row=event.start_mark.line + 1)
        elif isinstance(event, _CLOSING):
            depth -= 1


def read_yaml(path: Path) -> dict:
    """A YAML file that must hold a mapping, read with the safe loader (no tags)."""
    if not path.is_file():
        raise TuphapError(_("file not found: expected {path}").format(path=path))
    text = read_text(path, MAX_YAML_BYTES)
    try:
        _check_depth(path, text)
        raw = yaml.load(text, Loader=_Loader)
    except _DuplicateKey as exc:
        raise DataError(path, exc.problem, row=exc.problem_mark.line + 1) from None
    except yaml.YAMLError as exc:
        raise DataError(path, _("not valid YAML: {error}").format(error=exc)) from None
    if not isinstance(raw, dict):
        raise DataError(path, _("expected a mapping of keys"))
    return raw
