"""`digitize batch` (archives from a manifest or a folder of dossiers) and `digitize watch` (the
intake hot folder). Both take the same processing options as `run`."""
from __future__ import annotations

import importlib.util
import sys
import time
from datetime import date
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from digitize.cli import common as c
from digitize.errors import DigitizeError

ValidOnOpt = typer.Option(None, "--valid-on", help="Keep dossiers valid on this date (YYYY-MM-DD or dd/mm/yyyy) [default: today]")
ClusterOpt = typer.Option(None, "--cluster", help="Dask scheduler address tcp://HOST:PORT (inputs and store on a shared path)")
ReportOpt = typer.Option(None, "--report", help="Write FILE.json, FILE.csv (fields, UTF-8 with BOM) and FILE.html")
RetryOpt = typer.Option(False, "--retry-failed", help="Run dossiers that failed in an earlier run of this batch again")
QaOpt = typer.Option(None, "--qa-sample", help="Mark a reproducible random share of documents for QA review, e.g. 2%")
QaSeedOpt = typer.Option("0", "--qa-seed", help="Seed of the QA sample")


def _fail(e: DigitizeError, code: int = 2):
    c.stderr.print(f"[red]error:[/] {e}", highlight=False)
    return typer.Exit(code if type(e) is DigitizeError else e.exit_code)


def _profiles(opts: c.ProcessingOptions):
    # documents are classified only once the extraction stage is installed
    if importlib.util.find_spec("digitize.stages.extract.fields") is None:
        return None
    return c.load_profiles(opts)


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
    as_json: bool = c.JsonOpt, debug: bool = c.DebugOpt, opts: c.ProcessingOptions = None,
) -> None:
    """Process an archive: still-valid dossiers only, in parallel, resumable, with a report."""
    from digitize.batch.run import BatchOptions, parse_rate, run_batch
    from digitize.batch.manifest import count_dossiers, parse_date
    from digitize.store import open_store

    settings = opts.settings()
    try:
        day = parse_date(valid_on) if valid_on else date.today()
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--valid-on") from None
    try:
        options = BatchOptions(day, opts.job_count(), retry_failed, parse_rate(qa_sample), qa_seed, cluster)
        the_store = open_store(store)
        profile_set = _profiles(opts)
        signing = c.open_signing(opts, the_store)
    except DigitizeError as e:
        raise _fail(e)
    reporter = None
    if report:
        from digitize.reports.batch import BatchReport

        reporter = BatchReport(report, str(source.resolve()), day.isoformat(), options.qa_rate)
    start = time.monotonic()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=c.stderr,
                  disable=not sys.stderr.isatty(), transient=False) as progress:
        dtask = progress.add_task("dossiers", total=count_dossiers(source), rate="")
        ptask = progress.add_task("pages", total=0, rate="")
        printer = _Printer(source, as_json, debug, progress, dtask)

        def on_page(_ref) -> None:
            progress.advance(ptask)
            rate = progress.tasks[ptask].completed / max(1e-6, time.monotonic() - start)
            progress.update(ptask, rate=f"{rate:.2f} pages/s")

        def on_known(n: int) -> None:
            progress.update(ptask, total=(progress.tasks[ptask].total or 0) + n)

        listeners = [printer] + ([reporter] if reporter else [])
        totals = None
        try:
            totals = run_batch(source, settings, the_store, options, profile_set, signing, listeners,
                               on_page=on_page, on_pages_known=on_known)
        except DigitizeError as e:
            raise _fail(e)
        finally:
            if reporter:
                reporter.close(totals)
    d = totals.dossiers
    c.stderr.print(f"dossiers: {d['done']} done, {d['skipped']} skipped, {d['failed']} failed · "
                   f"{totals.pages} pages in {totals.seconds:.1f} s"
                   + (f" · report: {reporter.paths['html']}" if reporter else ""), highlight=False)
    raise typer.Exit(1 if printer.failures else 0)


@c.processing_command
def watch(
    folder: Path = typer.Argument(..., help="Folder the scanner writes into"),
    store: str = c.StoreOpt,
    settle: float = typer.Option(10.0, "--settle", help="Seconds a dossier must stop changing before it is taken"),
    poll: float = typer.Option(2.0, "--poll", help="Seconds between looks at the folder"),
    once: bool = typer.Option(False, "--once", help="Process what is settled now, then exit"),
    as_json: bool = c.JsonOpt, debug: bool = c.DebugOpt, opts: c.ProcessingOptions = None,
) -> None:
    """Intake hot folder: settled dossiers are processed and moved to done/ or failed/."""
    from digitize.store import open_store
    from digitize.intake.hotfolder import Watcher

    settings = opts.settings()
    if not folder.is_dir():
        raise _fail(DigitizeError(str(folder), "no such folder"))
    try:
        the_store = open_store(store)
        watcher = Watcher(folder, settings, the_store, settle, opts.job_count(), _profiles(opts),
                          c.open_signing(opts, the_store))
        watcher.run(once=once, poll=poll, report=lambda line: _watch_line(line, as_json))
    except DigitizeError as e:
        raise _fail(e)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def _watch_line(result, as_json: bool) -> None:
    import json

    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    else:
        sys.stdout.write(result.line() + "\n")
        sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
    app.command("watch")(watch)
