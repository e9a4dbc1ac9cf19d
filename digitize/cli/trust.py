"""`digitize trust ls`: what `verify` trusts, and how sure we are of each certificate."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from digitize import settings

trust_app = typer.Typer(no_args_is_help=True, help="The trust store of `verify`: built-in Vietnamese roots and CAs.")


def register(app: typer.Typer) -> None:
    app.add_typer(trust_app, name="trust")


@trust_app.command("ls")
def trust_ls(
    trust: list[Path] = typer.Option(None, "--trust", help="Also list this certificate (PEM/DER); repeatable"),
    no_builtin_trust: bool = typer.Option(False, "--no-builtin-trust", help="Leave out the built-in trust store"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per certificate on stdout"),
) -> None:
    """Roots (anchors), intermediates and time-stamping certificates (chain candidates), with SHA-256 fingerprint,
    validity and whether the fingerprint was confirmed in two independent sources. The built-in store is replaced
    by the folder in DIGITIZE_TRUST_DIR when that is set."""
    # lazy: the trust store loads asn1crypto and pyhanko-certvalidator; other commands start without them
    from digitize.verify.bundle import load_bundle

    bundle = load_bundle(not no_builtin_trust, settings.trust_dir(), trust or [])  # errors: the CLI's handler
    order = {"root": 0, "intermediate": 1, "tsa": 2}
    entries = sorted(bundle.entries, key=lambda e: (order.get(e.role, 3), e.pki, e.name))
    if as_json:
        for e in entries:
            sys.stdout.write(json.dumps(e.as_json(), ensure_ascii=False) + "\n")
        return
    out = Console() if sys.stdout.isatty() else Console(width=200, soft_wrap=True)
    table = Table(title=f"{len(entries)} certificates ({sum(1 for e in entries if e.confirmed)} confirmed)")
    for col in ("role", "PKI", "name", "valid", "hash", "SHA-256", "confirmed", "origin"):
        table.add_column(col)
    for e in entries:
        j = e.as_json()
        sure = "yes" if e.confirmed else "NO (one source)" if e.confirmed is False else "-"
        table.add_row(e.role, e.pki or "-", e.name, f"{j['not_before']} → {j['not_after']}", j["signature_hash"],
                      e.sha256[:16] + "…", sure, e.origin)
    out.print(table)
