"""`digitize batch` (archives from a manifest or a folder of dossiers) and `digitize watch` (the
intake hot folder). Both take the same processing options as `run`."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import typer
from rich.progress import Progress

from digitize.batch.manifest import count_dossiers, parse_date
from digitize.batch.run import BatchOptions, parse_rate, run_batch
from digitize.cli import common as c
from digitize.errors import ExitCode, UsageError
from digitize.intake.hotfolder import Watcher
from digitize.reports.batch import BatchReport

ValidOnOpt = typer.Option(None, "--valid-on", help="Keep dossiers valid on this date (YYYY-MM-DD or dd/mm/yyyy; default: today)")
ClusterOpt = typer.Option(None, "--cluster", help="Dask scheduler address tcp://HOST:PORT (inputs and store on a shared path)")
ReportOpt = typer.Option(None, "--report", help="Write FILE.json, FILE.csv (fields, UTF-8 with BOM) and FILE.html")
RetryOpt = typer.Option(False, "--retry-failed", help="Run dossiers that failed in an earlier run of this batch again")
QaOpt = typer.Option(None, "--qa-sample", help="Mark a reproducible random share of documents for QA review, e.g. 2%")
QaSeedOpt = typer.Option("0", "--qa-seed", help="Seed of the QA sample")


class _Printer:
    """One line per document (as `run` prints) and per skipped or failed dossier."""

    def __init__(self, source: Path, as_json: bool, debug: bool, progress: Progress, task):
        self.source, self.as_json, self.debug = source, as_json, debug
        self.progress, self.task = progress, task
        self.failures = 0

    def document(self, ev) -> None:
        if ev.status.value == "skipped":
            c.stderr.print(f"[yellow]skipped[/] {ev.outcome.input.path}: {ev.reason}", highlight=False, soft_wrap=True)
            return
        c.emit(ev.outcome, self.as_json, self.debug)

    def dossier(self, ev) -> None:
        self.progress.advance(self.task)
        if ev.status.value == "failed":
            self.failures += 1
        if ev.status.value != "done" and not ev.earlier:
            where = f"{self.source.name}: row {ev.row}" if ev.row else str(self.source)
            style = "red" if ev.status.value == "failed" else "yellow"
            c.stderr.print(f"[{style}]{ev.status.value}[/] {where} {ev.code}: {ev.reason}", highlight=False, soft_wrap=True)
        if ev.reason.startswith("bad "):
            self.failures += 1
        self.progress.update(self.task, description=f"dossiers ({self.failures} failed)" if self.failures else "dossiers")


@c.processing_command
def batch(
    source: Path = typer.Argument(..., help="Manifest (CSV or XLSX) or a folder of dossier folders"),
    store: str = c.StoreOpt, valid_on: str = ValidOnOpt, cluster: str = ClusterOpt, report: Path = ReportOpt,
    retry_failed: bool = RetryOpt, qa_sample: str = QaOpt, qa_seed: str = QaSeedOpt,
    as_json: bool = c.JsonOpt, debug: bool = c.DebugOpt,
    keep_source: bool = typer.Option(True, "--keep-source/--no-keep-source", help=c.KEEP_SOURCE_HELP),
    opts: c.ProcessingOptions = c.GIVEN_BY_DECORATOR,
) -> None:
    """Process an archive: still-valid dossiers only, in parallel, resumable, with a report."""
    try:
        day = (parse_date(valid_on) if valid_on else None) or date.today()
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--valid-on") from None
    options = BatchOptions(day, retry_failed, parse_rate(qa_sample), qa_seed, cluster)
    # before the progress display: a signer may prompt for its password
    ctx = c.keeping_originals(c.open_run(opts, store), keep_source)
    with c.page_progress(sys.stderr.isatty()) as progress:
        dtask = progress.add_task("dossiers", total=count_dossiers(source), rate="")
        ctx = ctx.telling(c.PageProgress(progress))
        printer = _Printer(source, as_json, debug, progress, dtask)
        reporter = BatchReport(report, str(source.resolve()), day.isoformat(), options.qa_rate) if report else None
        totals = None
        try:
            totals = run_batch(source, ctx, options, [printer] + ([reporter] if reporter else []))
        finally:
            if reporter:
                reporter.close(totals)
    d = totals.dossiers
    c.stderr.print(f"dossiers: {d['done']} done, {d['skipped']} skipped, {d['failed']} failed · "
                   f"{totals.pages} pages in {totals.seconds:.1f} s"
                   + (f" · report: {reporter.paths['html']}" if reporter else ""), highlight=False)
    raise typer.Exit(ExitCode.of(bool(printer.failures)))


@c.processing_command
def watch(
    folder: Path = typer.Argument(..., help="Folder the scanner writes into"),
    store: str = c.StoreOpt,
    settle: float = typer.Option(10.0, "--settle", help="Seconds a dossier must stop changing before it is taken"),
    poll: float = typer.Option(2.0, "--poll", help="Seconds between looks at the folder"),
    once: bool = typer.Option(False, "--once", help="Process what is settled now, then exit"),
    review: bool = typer.Option(False, "--review", help="Store unsigned drafts to check before signing (digitize review)"),
    as_json: bool = c.JsonOpt, debug: bool = c.DebugOpt,
    keep_source: bool = typer.Option(False, "--keep-source/--no-keep-source", help=c.KEEP_SOURCE_HELP),
    opts: c.ProcessingOptions = c.GIVEN_BY_DECORATOR,
) -> None:
    """Intake hot folder: settled dossiers are processed and moved to done/ or failed/."""
    if not folder.is_dir():
        raise UsageError(str(folder), "no such folder")
    try:
        watcher = Watcher(folder, c.keeping_originals(c.open_run(opts, store, review=review), keep_source), settle)
        watcher.run(once=once, poll=poll, report=lambda line: _watch_line(line, as_json))
    except KeyboardInterrupt:
        raise typer.Exit(ExitCode.INTERRUPTED) from None


def _watch_line(result, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    else:
        sys.stdout.write(result.line() + "\n")
        sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
    app.command("watch")(watch)
