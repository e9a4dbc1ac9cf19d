"""`digitize store find --person ID` (a person's still-valid records, audited) and `digitize store import
PACKAGE…` (another office's E-ARK packages). Errors are raised; the one CLI error handler prints them."""
from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

import typer

from digitize.cli import common as c
from digitize.errors import ExitCode
from digitize.review.lookup import EVENT, find_person, this_office
from digitize.settings import acting_user
from digitize.store import open_store
from digitize.vn.persons import mask


def _user() -> str:
    return acting_user() or f"cli:{getpass.getuser()}"


def find(person: str = typer.Option(None, "--person", help="CCCD / số định danh, CMND, tax code, or 'Name|DD/MM/YYYY'"),
         valid_on: str = typer.Option(None, "--valid-on", help="Records valid on this day (YYYY-MM-DD; default today)"),
         doc_type: str = typer.Option(None, "--type", help="Only this document type (profile id)"),
         reason: str = typer.Option(None, "--reason", help="Why you look this person up (kept in the audit log)"),
         dossier: str = typer.Option(None, "--dossier", help="The dossier (mã hồ sơ) the look-up is for"),
         flagged: bool = typer.Option(False, "--flagged", help="List identifier fields that failed their check instead"),
         lookups: int = typer.Option(0, "--lookups", help="List the last N look-ups (the audit log, masked) instead"),
         store: str = c.StoreOpt, as_json: bool = c.JsonOpt) -> None:
    """A person's records valid on a day: id, dossier, type, issued on, valid until, signature, office.
    Every look-up is an audit event (who, whose identifier — masked, when, why); a user may make
    DIGITIZE_LOOKUP_LIMIT (30) a minute."""
    the_store = open_store(store)
    if flagged:
        return _flagged(the_store, as_json)
    if lookups:
        return _lookups(the_store, lookups, as_json)
    if not person:
        raise typer.BadParameter("give --person ID (or --flagged, --lookups N)")
    found = find_person(the_store, person, _user(), reason or "", dossier or "", valid_on, doc_type)
    office = this_office()
    if as_json:
        for r in found.records:
            sys.stdout.write(json.dumps({**r.as_json(), "office": r.office or office}, ensure_ascii=False) + "\n")
    else:
        for r in found.records:
            typer.echo(f"{r.id}  {r.dossier}  {r.doc_type}  {r.issued_on or '-'}  {r.valid_until or 'permanent'}  "
                       f"{r.verdict}  {r.office or office}")
    c.stderr.print(f"{len(found.records)} record(s) of {found.person} valid on {found.valid_on}", highlight=False)


def _flagged(the_store, as_json: bool) -> None:
    for row in the_store.people.flagged():
        row = {**row, "value": mask(f"{row['kind']}:{row['value']}")}
        typer.echo(json.dumps(row, ensure_ascii=False) if as_json else
                   f"{row['document_id']}  {row['field']}  {row['value']}  {row['reason']}")


def _lookups(the_store, last: int, as_json: bool) -> None:
    for e in the_store.people.events_of(EVENT, last):
        d = e["data"] or {}
        typer.echo(json.dumps({"at": e["at"], "user": e["user"], **d}, ensure_ascii=False) if as_json else
                   f"{e['at']}  {e['user'] or '-'}  {d.get('person', '?')}  {d.get('dossier') or d.get('reason') or '-'}  "
                   f"{d.get('valid_on', '')}  {d.get('refused') or str(d.get('results', 0)) + ' record(s)'}")


def import_(packages: list[Path] = typer.Argument(..., help="E-ARK package folders or ZIPs (store export --format eark-*)"),
            trust: list[Path] = typer.Option(None, "--trust", help="Also trust this root certificate (PEM/DER); repeatable"),
            store: str = c.StoreOpt,
            as_json: bool = typer.Option(False, "--json", help="One JSON object per package on stdout")) -> None:
    """Take in another office's packages: every checksum and signature checked first; a package that
    fails is refused whole (nothing of it lands); the same package twice is a no-op; a record already
    held (same signed PDF) is linked. Exit 0 only when every package was imported (or already was)."""
    from digitize.archive.receive import import_packages  # lazy: the archive and verification stacks

    the_store = open_store(store)
    failed = 0
    for path, outcome in import_packages(the_store, list(packages), list(trust or []), _user()):
        if isinstance(outcome, Exception):
            failed += 1
            typer.echo(f"error: {outcome}", err=True)
            if as_json:
                sys.stdout.write(json.dumps({"package": str(path), "status": "refused", "error": str(outcome)},
                                            ensure_ascii=False) + "\n")
            continue
        if as_json:
            sys.stdout.write(json.dumps({**outcome.as_json(), "status": "ok"}, ensure_ascii=False) + "\n")
        else:
            typer.echo(f"{path}: already imported, nothing added" if outcome.already else
                       f"{path}: {outcome.created} record(s) imported, {outcome.linked} already held (linked), "
                       f"from {outcome.organisation or 'an unnamed organisation'}")
    raise typer.Exit(ExitCode.of(bool(failed)))


def register(app: typer.Typer) -> None:
    store_app = next(g.typer_instance for g in app.registered_groups if g.name == "store" and g.typer_instance)
    store_app.command("find")(find)
    store_app.command("import")(import_)
