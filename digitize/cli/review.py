"""`digitize review ls|show|set|approve|sign`: the review flow from the command line, for the same
records the station shows. Changes are made as `--user` (default: the login name), every one a new
revision and an audit event."""
from __future__ import annotations

import getpass
import json

import typer

from digitize.cli import common as c
from digitize.errors import ExitCode, UsageError
from digitize.profiles.loader import load_profiles
from digitize.review.flow import Actor, Review
from digitize.settings import acting_user, profile_dirs
from digitize.store import open_store

review_app = typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False,
                         help="Check, correct, approve and sign drafts (made by `run --review` or the station).")
DocIdArg = typer.Argument(..., help="Document id as `review ls` or `store ls` shows it (or its first characters)")
ResultOpt = typer.Option(False, "--json", help="The result as one JSON object on stdout")
UserOpt = typer.Option(None, "--user", help="Who makes the change (env DIGITIZE_USER; default: login name)")


def _actor(user: str | None, role: str) -> Actor:
    # the command line has the store's files: it acts in the role the command needs, under a named user
    return Actor(user or acting_user() or f"cli:{getpass.getuser()}", role)


def _review(store: str | None, opts: c.ProcessingOptions | None = None) -> Review:
    """The flow on the store; with processing options, their profiles and signer too."""
    if opts is None:
        return Review(open_store(store), load_profiles(profile_dirs([])))
    ctx = c.open_run(opts, store)
    return Review(ctx.store, ctx.profiles, ctx.signing)


def _out(data, as_json: bool, text: str) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False) if as_json else text)


@review_app.command("ls")
def ls(store: str = c.StoreOpt, status: str = typer.Option(None, "--status", help="Only this status: draft | reviewed | signed | unsigned"),
       needs_review: bool = typer.Option(None, "--needs-review/--no-needs-review",
                                         help="Only documents with (or without) fields to check"),
       q: str = typer.Option(None, "--q", help="Only documents with these words in their text, fields, dossier "
                             "code or file name (case and tone marks do not matter)"),
       as_json: bool = c.JsonOpt) -> None:
    """List documents, those to review first."""
    data = _review(store).listing(status, None, needs_review, q, per_page=1000)
    for item in data["items"]:
        check = f"  check: {', '.join(item['needs_review'])}" if item["needs_review"] else ""
        _out(item, as_json, f"{item['id']}  {item['status']:<8} r{item['revision']}  {item['dossier']}  "
                            f"{item['doc_type']}{check}")


@review_app.command("show")
def show(doc_id: str = DocIdArg, store: str = c.StoreOpt, as_json: bool = ResultOpt) -> None:
    """One document with its fields (those to check marked) and history."""
    review = _review(store)
    doc = review.document(doc_id, prefix=True)
    doc["history"] = review.history(doc["id"])
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{doc['id']}  {doc['status']}  revision {doc['revision']}  {doc['dossier']}  {doc['doc_type']}")
    for w in doc["warnings"]:
        typer.echo(f"  warning {w}")
    for name, f in doc["fields"].items():
        mark = f"  check: {f['reason'] or 'low confidence'}" if f["needs_review"] else ""
        typer.echo(f"  {name}: {f['value']}{mark}")
    gaps = doc["approval"]
    if doc["status"] == "draft" and (gaps["missing"] or gaps["unconfirmed"]):
        typer.echo("  to approve: " + "; ".join(
            ([f"fill {', '.join(gaps['missing'])}"] if gaps["missing"] else [])
            + ([f"correct or --confirm {', '.join(gaps['unconfirmed'])}"] if gaps["unconfirmed"] else [])))
    for e in doc["history"]:
        typer.echo(f"  {e['at']}  {e['user'] or '-'}  {e['action']}")


@review_app.command("set")
def set_fields(doc_id: str = DocIdArg, assignments: list[str] = typer.Argument(..., help="FIELD=VALUE (empty VALUE removes)"),
               revision: int = typer.Option(None, "--revision", help="Revision the change is made on (default: current)"),
               store: str = c.StoreOpt, user: str = UserOpt, as_json: bool = ResultOpt) -> None:
    """Correct, add or remove fields (a new revision)."""
    changes = {}
    for a in assignments:
        name, sep, value = a.partition("=")
        if not sep:
            raise UsageError(a, "expected FIELD=VALUE")
        changes[name.strip()] = value if value != "" else None
    review = _review(store)
    doc = review.document(doc_id, prefix=True)
    new = review.set_fields(_actor(user, "staff"), doc["id"], revision or doc["revision"], changes)
    _out({"id": doc["id"], "revision": new}, as_json, f"{doc['id']} revision {new}")


@review_app.command("approve")
def approve(doc_id: str = DocIdArg,
            revision: int = typer.Option(None, "--revision", help="Revision approved (default: current)"),
            confirm: list[str] = typer.Option([], "--confirm", help="A flagged field checked as it is (repeat, "
                                              "or NAME,NAME); each confirmation is an audit event"),
            store: str = c.StoreOpt, user: str = UserOpt, as_json: bool = ResultOpt) -> None:
    """Approve a draft: it becomes reviewed, ready to sign. Refused (exit 7) while a required field is
    empty or a flagged field was neither corrected (`review set`) nor confirmed with --confirm."""
    review = _review(store)
    doc = review.document(doc_id, prefix=True)
    names = [n.strip() for item in confirm for n in item.split(",") if n.strip()]
    new = review.approve(_actor(user, "staff"), doc["id"], revision or doc["revision"], names)
    _out({"id": doc["id"], "status": "reviewed", "revision": new}, as_json, f"{doc['id']} reviewed (revision {new})")


@review_app.command("sign")
@c.processing_command
def sign(doc_ids: list[str] = typer.Argument(..., help="Reviewed documents to sign"), store: str = c.StoreOpt,
         user: str = UserOpt, as_json: bool = c.JsonOpt, opts: c.ProcessingOptions = c.GIVEN_BY_DECORATOR) -> None:
    """Sign reviewed documents with --signer; the signed PDF carries the reviewed values."""
    review = _review(store, opts)
    ids = [(review.record(d, prefix=True).id, None) for d in doc_ids]
    failed = 0
    for row in review.sign_many(_actor(user, "signer"), ids):
        failed += row["status"] != "signed"
        if row["status"] != "signed":
            c.stderr.print(f"[red]error:[/] {row['error']}", highlight=False)
            if as_json:
                typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            _out(row, as_json, f"{row['id']} signed (revision {row['revision']})")
    raise typer.Exit(ExitCode.of(bool(failed)))


@review_app.command("four-eyes")
def four_eyes(state: str = typer.Argument(None, help="on | off (nothing: show the setting)"), store: str = c.StoreOpt,
              user: str = UserOpt) -> None:
    """The four-eyes rule of the store: the signer of a record is not who approved or changed it. `off`
    is for an office of one; every change is recorded in the audit log with its user."""
    review = _review(store)
    if state is None:
        typer.echo("on" if review.four_eyes_on() else "off")
        return
    if state not in ("on", "off"):
        raise UsageError(state, "expected on or off")
    review.store.review.set_setting("four_eyes", state, _actor(user, "admin").name)
    typer.echo(f"four eyes {state}")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
