"""`digitize users add|ls|disable`: the review station's users. Passwords come from DIGITIZE_PASSWORD
or a prompt, never from the command line."""
from __future__ import annotations

import getpass
import json
import sys

import typer

from digitize.cli import common as c
from digitize.errors import UsageError
from digitize.review import users as accounts
from digitize.settings import USER_PASSWORD_ENV as PASSWORD_ENV
from digitize.settings import secret
from digitize.store import open_store

NameArg = typer.Argument(..., help="User name, as typed to log in to the station")
JsonOpt = typer.Option(False, "--json", help="The result as JSON on stdout (users ls: one object per user)")
users_app = typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False,
                        help="Users of the review station (roles: staff, signer, auditor, admin).")


def _password(name: str) -> str:
    password = secret(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise UsageError(name, f"no password: set {PASSWORD_ENV} or run in a terminal to be asked")
    first = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Again: ") != first:
        raise UsageError(name, "the two passwords differ")
    return first


@users_app.command("add")
def add(name: str = NameArg, role: str = typer.Option(..., "--role", help="staff | signer | auditor | admin"),
        store: str = c.StoreOpt, as_json: bool = JsonOpt) -> None:
    """Add a user (password from DIGITIZE_PASSWORD or a prompt)."""
    accounts.add_user(open_store(store), name, role, _password(name))
    typer.echo(json.dumps({"user": name, "role": role}) if as_json else f"added {name} ({role})")


@users_app.command("ls")
def ls(store: str = c.StoreOpt, as_json: bool = JsonOpt) -> None:
    """List users and their roles."""
    for u in open_store(store).review.users():
        typer.echo(json.dumps(u) if as_json else
                   f"{u['name']}  {u['role']}{'  disabled' if u['disabled'] else ''}  {u['created_at']}")


@users_app.command("disable")
def disable(name: str = NameArg, store: str = c.StoreOpt, as_json: bool = JsonOpt) -> None:
    """Disable a user: they can no longer log in (their history stays)."""
    accounts.disable_user(open_store(store), name)
    typer.echo(json.dumps({"user": name, "disabled": True}) if as_json else f"disabled {name}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
