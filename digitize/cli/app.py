"""The `digitize` command line: parses, calls the pipeline, prints. Nothing else lives here."""
from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path

import typer

from digitize.cli import common as c
from digitize.cli.archive import export_eark
from digitize.cli.errors import run_cli
from digitize.errors import ExitCode, InputError, UsageError
from digitize.intake.folders import expand_inputs
from digitize.pipeline.scheduler import run_documents
from digitize.store import open_store

# Tracebacks never show local variables: they may hold a store URL's password or a PIN.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="Scanned dossiers to searchable, signed PDF/A records with extracted fields.")
store_app = typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False, help="Inspect the results store.")
app.add_typer(store_app, name="store")


@app.command()
@c.processing_command
def run(
    inputs: list[str] = typer.Argument(..., help="Files (one document each) or folders (one dossier each)"),
    store: str = c.StoreOpt, as_json: bool = c.JsonOpt, debug: bool = c.DebugOpt,
    review: bool = typer.Option(False, "--review", help="Store unsigned drafts to check before signing (digitize review)"),
    keep_source: bool = typer.Option(False, "--keep-source/--no-keep-source", help=c.KEEP_SOURCE_HELP),
    opts: c.ProcessingOptions = c.GIVEN_BY_DECORATOR,
) -> None:
    """Process scans into the store: one result line per document."""
    # before the progress display: a signer may prompt
    ctx = c.keeping_originals(c.open_run(opts, store, review=review), keep_source)
    docs = expand_inputs(inputs)
    if not docs:
        raise UsageError("run", "no input documents found")
    failures = 0
    with c.page_progress(sys.stderr.isatty() or len(docs) > 1) as progress:
        for outcome in run_documents(docs, ctx.telling(c.PageProgress(progress))):
            failures += 0 if outcome.ok else 1
            c.emit(outcome, as_json, debug, show_fields=len(docs) <= 20)
    raise typer.Exit(ExitCode.of(bool(failures)))


@store_app.command("ls")
def store_ls(store: str = c.StoreOpt,
             as_json: bool = typer.Option(False, "--json", help="One JSON object per stored document")) -> None:
    """List stored documents: id (give it, or its start, to `store show`), dossier, type, pages,
    status (draft, reviewed, signed, unsigned), signer and source file."""
    the_store = open_store(store)
    rows = []
    for rec in the_store.records():
        state = the_store.review.state(rec.id)
        if state is None:  # removed since the listing began
            continue
        status, revision = state
        if as_json:
            data = {**rec.as_json(), "review_status": status, "revision": revision}
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            rows.append((rec.id, rec.dossier, rec.doc_type, str(rec.pages), status,
                         rec.signature.signer if rec.signature else "-", rec.source))
    if not as_json:
        c.print_columns(("ID", "DOSSIER", "TYPE", "PAGES", "STATUS", "SIGNER", "SOURCE"), rows)


@store_app.command("show")
def store_show(doc_id: str = typer.Argument(..., help="Document id as `store ls` shows it (or its first characters)"),
               store: str = c.StoreOpt) -> None:
    """Show one document: record, fields, pages and events, as JSON."""
    the_store = open_store(store)
    rec = the_store.get(doc_id)
    if rec is None:
        raise InputError(doc_id, f"no such document in {the_store.root}")
    data = rec.as_json()
    data.update(source_sha256=rec.source_sha256, created_at=rec.created_at, metadata=rec.metadata,
                pipeline_version=rec.pipeline_version, fields_detail=[f.as_dict() for f in rec.fields],
                page_details=the_store.pages(rec.id), events=the_store.events(rec.id),
                originals=[o.as_json() for o in the_store.originals(rec.id)])
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@store_app.command("export")
def store_export(dest: Path = typer.Argument(..., help="Folder to write the export into"),
                 store: str = c.StoreOpt,
                 package_format: str = typer.Option("plain", "--format",
                                                    help="plain (PDFs + records.jsonl) | eark-sip | eark-aip"),
                 as_zip: bool = typer.Option(False, "--zip", help="E-ARK: one ZIP file per package"),
                 dossier: str = typer.Option(None, "--dossier", help="E-ARK: only this dossier (mã hồ sơ)"),
                 organisation: str = c.OrgOpt) -> None:
    """Copy every stored PDF, named <dossier code>.<document ordinal>.pdf as archives name them
    (Circular 05/2025), with records.jsonl beside them; or, with --format eark-sip|eark-aip, one
    E-ARK information package per dossier for the archive."""
    the_store = open_store(store)
    if package_format in ("eark-sip", "eark-aip"):
        return export_eark(the_store, dest, package_format.split("-")[1], as_zip, dossier, organisation)
    if package_format != "plain":
        raise UsageError("--format", f"{package_format!r}: give plain, eark-sip or eark-aip")
    dest.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    with open(dest / "records.jsonl", "w", encoding="utf-8") as out:
        for rec in the_store.records():
            ordinal = rec.metadata.get("doc_ordinal", "")
            name = f"{rec.dossier}.{int(ordinal):02d}" if ordinal.isdigit() else rec.dossier
            if name in taken:  # the same document stored under other settings too
                name = f"{name}.{rec.id[:8]}"
            taken.add(name)
            name = name.replace("/", "_") + ".pdf"
            shutil.copyfile(rec.pdf, dest / name)
            out.write(json.dumps({**rec.as_json(), "file": name}, ensure_ascii=False) + "\n")
    c.stderr.print(f"exported to {dest}")


# Commands that live in their own modules register themselves here.
for _module in ("digitize.cli.verify", "digitize.cli.profiles", "digitize.cli.batch", "digitize.cli.trust",
                "digitize.cli.review", "digitize.cli.serve", "digitize.cli.users", "digitize.cli.people"):
    try:
        importlib.import_module(_module).register(app)
    except ModuleNotFoundError as _e:
        if _e.name != _module:
            raise


def main() -> None:
    """The console entry point: the app under the one error handler (digitize.cli.errors)."""
    run_cli(app)


if __name__ == "__main__":
    main()
