"""One build per project folder at a time: the build holds outputs/.build.lock (filelock: an OS lock,
released when the process ends, however it ends) while it reads and writes the ledger and the report
folders. A second build waits for it, and so do `tuphap site` and `tuphap publish`, which write the
site and pack the reports: a report switched half-way through packing would mix two builds. Commands
that only read one file at a time (validate, check, serve once its site is written) do not wait; the
ledger they read is always whole, being replaced by a rename (atomic.py)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from tuphap.i18n import _
from tuphap.project import ProjectPaths
from tuphap.runtime import staging
from tuphap.runtime.ledger import Ledger


def waiting_message(paths: ProjectPaths) -> str:
    return _("another build is running in {folder}; waiting for it to finish").format(folder=paths.root)


@contextmanager
def project_lock(paths: ProjectPaths, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold the project's build lock; `on_wait` is called once if another process holds it, before
    waiting for it. Re-entrant in one process (the build command and the batch both take it)."""
    paths.build_lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(paths.build_lock_file, is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        on_wait()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


@contextmanager
def settled_outputs(paths: ProjectPaths, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """outputs/ as a finished build leaves it, held so for a command that reads the reports as a whole
    (the site, the bundle): the build lock, and what a killed build left put right first (staging.py)."""
    with project_lock(paths, on_wait):
        ledger = Ledger.load(paths)
        if staging.recover(paths, ledger):
            ledger.save()
        yield
