"""Writing files so that a crash or Ctrl-C never leaves a half-written one in place of the last good one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


def _staged(target: Path, content: bytes) -> Path:
    """The content in a new file beside the target (a short name: the target's own may be as long as a
    file system allows), readable as a file made by hand would be."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tuphap-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes it private; reports are meant to be shared
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def write_atomically(target: Path, content: bytes) -> None:
    """Write beside the target, then rename over it."""
    write_all_atomically({target: content})


def write_all_atomically(contents: dict[Path, bytes]) -> None:
    """Write several files together: each beside its target first, and only once all are written are
    they renamed into place, one after the other in the order given. A failure while writing (a full
    disk, a name the file system refuses) leaves every target as it was and no stray file; only a crash
    in the moment between two renames can leave the first targets new and the later ones old, so put
    first what may stand without the others."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, content in contents.items():
            staged.append((_staged(target, content), target))
        while staged:
            os.replace(*staged[0])
            staged.pop(0)
    finally:
        for temporary, _target in staged:  # what was not renamed into place: no stray file
            temporary.unlink(missing_ok=True)
