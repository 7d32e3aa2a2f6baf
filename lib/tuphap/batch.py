"""Building many reports: plan the (unit, year) jobs, run them on local worker processes or a Dask
cluster, keep the ledger current after every report, and isolate failures."""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tuphap.build import ReportResult, build_report, import_report_modules, plan_report
from tuphap.config import ProjectPaths
from tuphap.ledger import Ledger
from tuphap.startup import skip_unused_imports

# The ledger holds every report, so rewriting it after each one would grow quadratically: it is saved
# every 2 s at most, and less often when a save takes long (megabytes for a thousand communes), so
# that saving never takes more than a twentieth of the build process's time.
LEDGER_SAVE_SECONDS = 2.0
LEDGER_SAVE_SHARE = 0.05


@dataclass(frozen=True)
class Job:
    unit: str
    year: int


def plan(paths: ProjectPaths, units: tuple[str, ...] = (), years: tuple[int, ...] = ()) -> list[Job]:
    """Every (unit, year) with a params file, filtered by the given units and years."""
    jobs = []
    for params_file in sorted(paths.params_dir.glob("[0-9][0-9][0-9][0-9]/*.yaml")):
        unit, year = params_file.stem, int(params_file.parent.name)
        if (not units or unit in units) and (not years or year in years):
            jobs.append(Job(unit, year))
    return jobs


def build_job(root: str, unit: str, year: int, previous: dict | None, force: bool, fresh_kernels: bool,
              strict: bool = False, final: bool = False) -> ReportResult:
    """One report, in whichever process or thread runs it. Never raises for a report's own problem."""
    try:
        return build_report(ProjectPaths(Path(root)), unit, year, previous=previous, force=force,
                            fresh_kernels=fresh_kernels, strict=strict, final=final)
    except Exception as exc:  # a bug must not take the rest of the batch down; it is reported per report
        return ReportResult(unit, year, status="failed", error=f"internal error: {type(exc).__name__}: {exc}")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _start_worker(parent: int) -> None:
    """Worker initializer: load the report modules once and for all, and end this worker (and so its
    kernel) if the build process goes away."""
    skip_unused_imports()
    import_report_modules()
    # What is loaded now lives as long as the worker; frozen, it is left out of every collection
    # (otherwise about 5 % of a report's time goes to re-scanning it).
    gc.freeze()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _local(arguments: list[tuple], workers: int) -> Iterator[ReportResult]:
    if workers <= 1:
        for args in arguments:
            yield build_job(*args)
        return
    # spawn: workers must not inherit the parent's event loops or sockets.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(build_job, *args) for args in arguments]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _dask(arguments: list[tuple], scheduler: str) -> Iterator[ReportResult]:
    from distributed import Client, as_completed as dask_completed

    with Client(scheduler) as client:
        # pure=False: the same arguments after a data change must still run again.
        futures = [client.submit(build_job, *args, pure=False) for args in arguments]
        for future in dask_completed(futures):
            yield future.result()


def run(paths: ProjectPaths, jobs: list[Job], *, workers: int, force: bool = False,
        fresh_kernels: bool = False, strict: bool = False, final: bool = False, scheduler: str | None = None,
        on_result: Callable[[ReportResult], None] = lambda result: None) -> list[ReportResult]:
    """Build the jobs. The ledger is saved every few seconds and at the end, also when interrupted,
    so a stopped batch keeps its progress (a report missing from it is simply rebuilt next time)."""
    ledger = Ledger.load(paths)
    results, arguments = [], []
    last_save, save_every = time.monotonic(), LEDGER_SAVE_SECONDS

    def finish(result: ReportResult) -> None:
        nonlocal last_save, save_every
        ledger.record(result.as_ledger_entry())
        results.append(result)
        on_result(result)
        if time.monotonic() - last_save > save_every:
            started = time.monotonic()
            ledger.save()
            last_save = time.monotonic()
            save_every = max(LEDGER_SAVE_SECONDS, (last_save - started) / LEDGER_SAVE_SHARE)

    try:
        # Decide here what is unchanged (or unbuildable), so that workers start only for real work.
        for job in jobs:
            previous = ledger.entry(job.unit, job.year)
            planned = plan_report(paths, job.unit, job.year, previous=previous, force=force, strict=strict, final=final)
            if planned.status == "planned":
                arguments.append((str(paths.root), job.unit, job.year, previous, force, fresh_kernels, strict, final))
            else:
                finish(planned)
        if arguments:
            stream = _dask(arguments, scheduler) if scheduler else _local(arguments, min(workers, len(arguments)))
            for result in stream:
                finish(result)
    finally:
        ledger.save()
    return results
