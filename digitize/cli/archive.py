"""CLI glue for the archive hand-over: `store export --format eark-sip|eark-aip` and `verify --package`.
Errors are raised; the one CLI error handler prints them."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from digitize.archive.check import verify_package
from digitize.archive.export import export_packages
from digitize.cli import common as c
from digitize.errors import ExitCode
from digitize.settings import organisation as default_organisation


def export_eark(the_store, dest: Path, package_format: str, as_zip: bool, dossier: str | None,
                organisation: str | None) -> None:
    """One package per dossier: its path on stdout, a count on stderr."""
    count = 0
    for path in export_packages(the_store, dest, package_format, as_zip, dossier, default_organisation(organisation)):
        count += 1
        typer.echo(str(path))
    c.stderr.print(f"{count} E-ARK {package_format.upper()} package(s) in {dest}", highlight=False)


def verify_packages(packages: list[Path], trust: list[Path], as_json: bool) -> None:
    """Exit 0 only when every package is intact: checksums, METS ↔ files ↔ PREMIS, signatures."""
    # lazy: pyHanko is slow to import and every command imports this module
    from digitize.verify.files import load_trust

    roots = load_trust(trust or [])
    reports = [verify_package(p, roots) for p in packages]
    for r in reports:
        if as_json:
            sys.stdout.write(json.dumps(r.as_json(), ensure_ascii=False) + "\n")
            continue
        colour = "green" if r.ok else "red"
        c.stderr.print(f"[{colour}]{'valid' if r.ok else 'invalid'}[/] {r.package}: {r.files_checked} file(s) "
                       f"checked, {len(r.signatures)} signature(s)", highlight=False)
        for p in r.problems:
            c.stderr.print(f"  {p}", highlight=False, markup=False)
    raise typer.Exit(ExitCode.of(not all(r.ok for r in reports)))
