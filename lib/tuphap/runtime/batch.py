"""Building many reports: plan the targets, run those with work to do on local worker processes or a
Dask cluster, put each report's files in place and keep the ledger current after every report, and
isolate failures. Commune reports and roll-ups go through the same runner; roll-ups come after their
year's communes. Workers write only into their reports' staging folders; this process, holding the
build lock, is the only one that replaces report folders and writes the ledger."""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tuphap.i18n import _
from tuphap.project import ProjectPaths, commune_reports, rollup_reports
from tuphap.runtime import pipeline, staging
from tuphap.runtime.execute import import_report_modules
from tuphap.runtime.ledger import Ledger
from tuphap.runtime.lock import project_lock
from tuphap.runtime.startup import skip_unused_imports
from tuphap.runtime.targets import CommuneTarget, Options, Result, RollupTarget, Status, Target

# The ledger holds every report, so rewriting it after each one would grow quadratically: it is saved
# every 2 s at most, and less often when a save takes long (megabytes for a thousand communes), so
# that saving never takes more than a twentieth of the build process's time.
LEDGER_SAVE_SECONDS = 2.0
LEDGER_SAVE_SHARE = 0.05


def commune_targets(paths: ProjectPaths, units: tuple[str, ...] = (), years: tuple[int, ...] = (),
                    kinds: tuple[str, ...] | None = None) -> list[CommuneTarget]:
    """The commune reports with params, of the given kinds ('' is the default kind; None: every kind)."""
    return [CommuneTarget(report.unit, report.year, report.kind) for report in commune_reports(paths, units, years, kinds)]


def rollup_targets(paths: ProjectPaths, years: list[int], kinds: tuple[str, ...] | None = ("",)) -> list[RollupTarget]:
    """The roll-ups with params for the given years, of the given kinds ('' is the default kind; None: every kind)."""
    return [RollupTarget(report.level, report.slug, report.year, report.kind)
            for report in rollup_reports(paths, years, kinds)]


def rollups_after(paths: ProjectPaths, communes: list[CommuneTarget], *, units_chosen: bool) -> list[RollupTarget]:
    """The roll-ups a build of these communes brings up to date: those of their years and report kinds,
    unless the build chose its units (a roll-up adds up every commune of its area, so it waits for a build
    of them all)."""
    if units_chosen:
        return []
    built = {(target.year, target.kind) for target in communes}
    return [target for target in rollup_targets(paths, sorted({year for year, _kind in built}), kinds=None)
            if (target.year, target.kind) in built]


def build_job(root: str, target: Target, previous: dict | None, options: Options) -> Result:
    """One report, in whichever process or thread runs it. Never raises for a report's own problem."""
    try:
        return pipeline.build(ProjectPaths(Path(root)), target, previous=previous, options=options)
    except Exception as exc:  # a bug must not take the rest of the batch down; it is reported per report
        return Result(target, error=_("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}"))


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _alive(pid: int) -> bool:
    """Whether the process runs (a killed one that its parent has not yet reaped does not)."""
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except ProcessLookupError:
        return False
    except OSError:  # no /proc: the signal said it exists
        return True


def _start_worker(build: int) -> None:
    """Worker initializer: load the report modules once and for all (the fork server has), and end this
    worker (and so its kernel) if the build process goes away. Its parent is the fork server, which
    outlives the build as long as a worker does, so the worker watches the build itself."""
    skip_unused_imports()
    import_report_modules()
    # What is loaded now lives as long as the worker; frozen, it is left out of every collection
    # (otherwise a share of every report's time goes to re-scanning it; bench/ measures it).
    gc.freeze()

    def watch() -> None:  # a look a quarter second costs nothing, and a killed build's workers go as quickly
        while _alive(build):
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _local(arguments: list[tuple], workers: int) -> Iterator[Result]:
    if workers <= 1:
        for args in arguments:
            yield build_job(*args)
        return
    # Workers fork from a fork server: a fresh process (they inherit none of this one's event loops or
    # sockets) that has imported the report modules once, instead of each worker importing them again.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tuphap.runtime.worker_imports"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                             initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(build_job, *args) for args in arguments]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _dask(arguments: list[tuple], scheduler: str) -> Iterator[Result]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        # pure=False: the same arguments after a data change must still run again.
        completed = dask_completed([client.submit(build_job, *args, pure=False) for args in arguments])
        for future in completed:
            result = future.result()
            future.release()  # taken: the workers need not keep it until the batch ends
            yield result


def run(paths: ProjectPaths, targets: list[Target], options: Options, *, workers: int = 1, scheduler: str | None = None,
        on_result: Callable[[Result], None] = lambda result: None) -> list[Result]:
    """Build the targets, holding the project's build lock (lock.py). What a killed build left is put
    right first (staging.py). Each report's new folder is put in place here, in this process, and the
    ledger is saved every few seconds and at the end, also when interrupted, so a stopped batch keeps
    its progress (a report missing from it is simply rebuilt next time)."""
    with project_lock(paths):
        ledger = Ledger.load(paths)
        staging.recover(paths, ledger)
        results, arguments = [], []
        last_save, save_every = time.monotonic(), LEDGER_SAVE_SECONDS

        def finish(result: Result) -> None:
            nonlocal last_save, save_every
            pipeline.put_in_place(paths, result)
            ledger.record_result(result)  # a failure keeps the last good build's entry (ledger.py)
            results.append(result)
            on_result(result)
            if time.monotonic() - last_save > save_every:
                started = time.monotonic()
                ledger.save()
                last_save = time.monotonic()
                save_every = max(LEDGER_SAVE_SECONDS, (last_save - started) / LEDGER_SAVE_SHARE)

        try:
            # Decide here what is unchanged (or unbuildable), so that workers start only for real work.
            for target in targets:
                previous = ledger.entry(target)
                planned = pipeline.plan(paths, target, previous=previous, options=options)
                if planned.status == Status.PLANNED:
                    arguments.append((str(paths.root), target, previous, options))
                else:
                    finish(planned)
            if arguments:
                stream = _dask(arguments, scheduler) if scheduler else _local(arguments, min(workers, len(arguments)))
                for result in stream:
                    finish(result)
        finally:
            ledger.save()
        return results
