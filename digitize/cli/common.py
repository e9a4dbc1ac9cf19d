"""What `run`, `batch` and `watch` share: processing options, the run context (store, profiles,
signer), the page progress bar, output of outcomes."""
from __future__ import annotations

import functools
import inspect
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from digitize.archive.originals import KeepOriginals
from digitize.model import PageRef
from digitize.pipeline.context import RunContext, RunEvents, Signing
from digitize.pipeline.outcome import Outcome
from digitize.profiles.loader import load_profiles as _load_profiles
from digitize.settings import (
    Limits,
    Settings,
    SigningSettings,
    default_jobs,
    ocr_model,
    ocr_tones,
    organisation,
    profile_dirs,
)
from digitize.store import Store, open_store

stderr = Console(stderr=True)

# Options shared by the processing commands (typer reads these defaults as declarations).
StoreOpt = typer.Option(None, "--store", help="Store folder or postgresql:// URL (env DIGITIZE_STORE; default ./digitize-store)")
ProfileOpt = typer.Option("auto", "--profile", help="Document type id, or auto to classify")
ProfilesDirOpt = typer.Option(None, "--profiles", help="Extra folder of profile YAML files (env DIGITIZE_PROFILES)")
SignOpt = typer.Option(True, "--sign/--no-sign", help="Sign each PDF (PAdES) with --signer")
SignerOpt = typer.Option("demo", "--signer", help="demo | p12:PATH | pkcs11:module=...;token=...;key=...")
PdfaOpt = typer.Option("2b", "--pdfa", help="PDF/A part and level: 1b, 2b or 3b")
JobsOpt = typer.Option(0, "--jobs", "-j", help="Worker processes; 0: one per core")
JsonOpt = typer.Option(False, "--json", help="One JSON object per document on stdout")
DebugOpt = typer.Option(False, "--debug", help="Show tracebacks of internal errors")
TsaOpt = typer.Option(None, "--tsa", help="RFC 3161 time-stamping URL (PAdES B-T)")
LtvOpt = typer.Option(False, "--ltv", help="Embed validation data (B-LT) and a document time-stamp (B-LTA)")
StampOpt = typer.Option(True, "--stamp/--no-stamp", help="Visible copy stamp top right of page 1")
OrgOpt = typer.Option(None, "--organisation", help="Organisation named in the copy stamp and the packages (env DIGITIZE_ORGANISATION)")
CopyFormOpt = typer.Option("SAO Y", "--copy-form", help="SAO Y, SAO LỤC or TRÍCH SAO")
PostCorrectOpt = typer.Option(False, "--post-correct/--no-post-correct", help="Vietnamese syllable post-correction")
RedoOcrOpt = typer.Option(False, "--redo-ocr", help="OCR pages that already have a text layer")
OcrModelOpt = typer.Option(None, "--ocr-model", help="OCR model: fast or best (env DIGITIZE_OCR_MODEL)")


@dataclass
class ProcessingOptions:
    profile: str
    profiles_dir: Path | None
    sign: bool
    signer: str
    pdfa: str
    jobs: int
    tsa: str | None
    ltv: bool
    stamp: bool
    organisation: str | None
    copy_form: str
    post_correct: bool
    redo_ocr: bool
    ocr_model: str | None = None

    def settings(self) -> Settings:
        signing = SigningSettings(
            signer=self.signer.split(":", 1)[0], tsa=bool(self.tsa), ltv=self.ltv, stamp=self.stamp,
            organisation=self.organisation_name(), copy_form=self.copy_form) if self.sign else None
        return Settings(pdfa=self.pdfa, profile=self.profile, sign=self.sign, redo_ocr=self.redo_ocr,
                        ocr_model=ocr_model(self.ocr_model), post_correct=self.post_correct, ocr_tones=ocr_tones(),
                        limits=Limits(), signing=signing,
                        profiles_dir=str(self.profiles_dir) if self.profiles_dir else None)

    def organisation_name(self) -> str:
        return organisation(self.organisation)

    def job_count(self) -> int:
        return self.jobs if self.jobs and self.jobs > 0 else default_jobs()


# The processing options every processing command takes: (parameter, type, typer option).
_SHARED = (
    ("profile", str, ProfileOpt), ("profiles", Path, ProfilesDirOpt), ("sign", bool, SignOpt),
    ("signer", str, SignerOpt), ("pdfa", str, PdfaOpt), ("jobs", int, JobsOpt), ("tsa", str, TsaOpt),
    ("ltv", bool, LtvOpt), ("stamp", bool, StampOpt), ("organisation", str, OrgOpt),
    ("copy_form", str, CopyFormOpt), ("post_correct", bool, PostCorrectOpt), ("redo_ocr", bool, RedoOcrOpt),
    ("ocr_model", str, OcrModelOpt),
)


# the default of a processing command's `opts` parameter: processing_command always passes the real one
GIVEN_BY_DECORATOR = cast("ProcessingOptions", None)


def processing_command(func):
    """Give a command the shared processing options: typer sees them as its own parameters, the
    command receives them gathered as `opts: ProcessingOptions` (so `run`, `batch` and `watch`
    cannot drift apart)."""
    sig = inspect.signature(func)
    own = [p for p in sig.parameters.values() if p.name != "opts"]
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=kind)
              for name, kind, option in _SHARED]

    @functools.wraps(func)
    def command(*args, **kwargs):
        values = {name: kwargs.pop(name) for name, _, _ in _SHARED}
        values["profiles_dir"] = values.pop("profiles")  # the option is --profiles
        return func(*args, opts=ProcessingOptions(**values), **kwargs)

    command.__signature__ = sig.replace(parameters=own + shared)
    return command


def load_profiles(opts: ProcessingOptions):
    return _load_profiles(profile_dirs([opts.profiles_dir] if opts.profiles_dir else []))


def open_signing(opts: ProcessingOptions, store: Store) -> Signing | None:
    if not opts.sign:
        return None
    # lazy: pyHanko takes ~0.5 s to import; unsigned runs and `--help` never need it
    from digitize.signing.signers import SignerSpec, ensure_demo_key, open_signer
    from digitize.stages.sign import SignOptions

    spec = SignerSpec.parse(opts.signer)
    if opts.signer == "demo":
        ensure_demo_key(store.keys_dir, organisation=opts.organisation_name())
    signer = open_signer(spec, store.keys_dir)
    level = "B-LTA" if opts.ltv else ("B-T" if opts.tsa else "B-B")
    options = SignOptions(level=level, tsa_url=opts.tsa, ltv=opts.ltv, stamp=opts.stamp,
                          organisation=opts.organisation_name(), copy_form=opts.copy_form)
    return Signing(signer, options)


KEEP_SOURCE_HELP = ("Keep each scan as an original object in the store (electronic inputs — a PDF with a text "
                    "layer or a signature — are always kept)")


def keeping_originals(ctx: RunContext, keep_scans: bool) -> RunContext:
    """The run with each new document's source file kept as an original (signed ones verified)."""
    return ctx.writing_to(KeepOriginals(ctx.documents, keep_scans=keep_scans))


def open_run(opts: ProcessingOptions, store: str | None, review: bool = False) -> RunContext:
    """Everything a processing command runs with: settings, the store, profiles and the signer.
    `review`: documents become drafts, signed later by `digitize review sign` or the station."""
    settings = opts.settings()
    the_store = open_store(store)
    signing = Signing(None, None, review=True) if review else open_signing(opts, the_store)
    return RunContext(settings, the_store, load_profiles(opts), signing, opts.job_count())


class PageProgress(RunEvents):
    """The pages bar of a progress display: total as pages become known, done with a rate."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task = progress.add_task("pages", total=0, rate="")
        self.start = time.monotonic()

    def pages_known(self, count: int) -> None:
        self.progress.update(self.task, total=(self.progress.tasks[self.task].total or 0) + count)

    def page(self, ref: PageRef) -> None:
        self.progress.advance(self.task)
        rate = self.progress.tasks[self.task].completed / max(1e-6, time.monotonic() - self.start)
        self.progress.update(self.task, rate=f"{rate:.2f} pages/s")


def error_line(text: str) -> str:
    return text.splitlines()[0] if text else "unknown error"


def emit(outcome: Outcome, as_json: bool, debug: bool, show_fields: bool = False) -> None:
    """One line per document: JSON on stdout, or a readable line; errors always on stderr.
    `show_fields` lists the extracted fields under it, those to check marked, for staff at the desk."""
    if outcome.ok and outcome.record is not None:
        rec = outcome.record
        if as_json:
            sys.stdout.write(json.dumps(rec.as_json(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            state = "stored" if outcome.created else "already stored"
            review = [f.name for f in rec.fields if f.needs_review]
            review_text = f", review: {', '.join(review)}" if review else ""
            warn = f", {len(rec.warnings)} warning(s)" if rec.warnings else ""
            stderr.print(f"[green]ok[/] {rec.source} → {rec.doc_type}, {rec.pages} page(s), {state} "
                         f"[dim]{rec.id}[/]{warn}{review_text}", highlight=False, markup=True)
            for w in rec.warnings:
                stderr.print(f"  [yellow]warning[/] {w}", highlight=False)
            for f in rec.fields if show_fields else ():
                mark = f"  [yellow]check: {escape(f.reason or 'low confidence')}[/]" if f.needs_review else ""
                stderr.print(f"  {f.name}: {escape(str(f.value))}{mark}", highlight=False)
        return
    stderr.print(f"[red]error:[/] {error_line(outcome.error or '')}", highlight=False, markup=True)
    if debug and outcome.trace:
        stderr.print(outcome.trace, highlight=False, markup=False)
    if as_json:
        data = outcome.as_json()
        data["error"] = error_line(outcome.error or "")
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def page_progress(enabled: bool) -> Progress:
    """A progress display on stderr (off when not asked for)."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
        console=stderr, disable=not enabled, transient=False,
    )


def print_columns(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """A plain table on stdout: a header row, columns two spaces apart, the last one as it is."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header[:-1])]
    for row in [header, *rows]:
        typer.echo("  ".join([v.ljust(w) for v, w in zip(row, widths)] + [row[-1]]).rstrip())
