"""What one process loaded from data/, kept on disk for the next process that loads the same files.

A country's figures (800,000 values rows in some seventy files) take seconds to read and check, and a build
loads them in its own process, in every worker and in every kernel; unpickling what the first of them made
takes a fraction of that. An entry is named by all its content depends on: the project folder, the data
files' contents (their digest), the language of its messages, and the code that read them, so a changed
file or another version of tuphap gives another name and never a stale read. Entries live in the user's
cache folder, not in the project (a preview or a validation writes nothing there); the newest few are kept.
"""
from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from tuphap.atomic import write_atomically
from tuphap.i18n import catalogue_file, language
from tuphap.inputs.official_registry import PACKAGE as OFFICIAL_PACKAGE

KEEP = 8  # entries: a few projects (or test projects) in turn each find theirs
T = TypeVar("T")


def cached_load(root: Path, digest: str, load: Callable[[], T]) -> T:
    """What `load` returns for the project's data files as they are (`digest`): from the cache when an
    earlier process loaded them, else loaded and kept. The cache is only a shortcut: an entry that cannot
    be read or written is simply loaded again."""
    entry = _cache_dir() / f"{_entry_name(root, digest)}.pickle"
    try:
        with entry.open("rb") as stream:
            return pickle.load(stream)
    except Exception:  # noqa: BLE001  (none yet, or damaged whatever it raises: made again from the data, over it)
        pass
    loaded = load()
    try:
        write_atomically(entry, pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(entry.parent)
    except OSError:  # a read-only or full home: every process loads the files itself
        pass
    return loaded


def _entry_name(root: Path, digest: str) -> str:
    lang = language()
    key = "\0".join([str(root), digest, lang, _code_digest(lang)])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@lru_cache(maxsize=4)
def _code_digest(lang: str) -> str:
    """The code, messages and registry that make a load: the inputs package and what it uses, the
    catalogue of messages, the official registry's version, and the versions of Python and pandas
    (pickled DataFrames do not travel between them)."""
    import importlib.metadata

    import pandas

    package = Path(__file__).resolve().parents[1]
    versions = [str(sys.version_info[:2]), pandas.__version__, importlib.metadata.version(OFFICIAL_PACKAGE)]
    digest = hashlib.sha256("\0".join(versions).encode())
    for path in [*sorted((package / "inputs").glob("*.py")), *(package / name for name in ("errors.py", "limits.py",
                 "project.py", "i18n.py")), catalogue_file(lang)]:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


def _cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("tuphap") / "data"


def _prune(folder: Path) -> None:
    """Only the newest KEEP entries stay (another process may be removing the same ones)."""
    entries = []
    for path in folder.glob("*.pickle"):
        try:
            entries.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    for _mtime, path in sorted(entries, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)
