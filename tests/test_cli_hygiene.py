"""The command line as people read it, through the real CLI in subprocesses: no warning of a dependency
on stderr; `store ls` with a header row and a status column; `verify --store` naming each record by
the id and dossier `store ls` shows; help texts that say what each option does."""
from __future__ import annotations

import json
import re

import click
import pytest
import typer

from support import digitize, render_text_page

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def signed_store(tmp_path_factory):
    """A store with one signed record (the demo signer: pyHanko is loaded) and one draft."""
    root = tmp_path_factory.mktemp("hygiene")
    store = root / "store"
    scans = [render_text_page(root / f"don-{n}.jpg", [f"ĐƠN ĐỀ NGHỊ SỐ {n}", "Ủy ban nhân dân xã Hòa Bình"])
             for n in (1, 2)]
    signed = digitize("run", str(scans[0]), "--store", str(store), "--json")
    draft = digitize("run", str(scans[1]), "--store", str(store), "--review", "--json")
    assert signed.returncode == 0 and draft.returncode == 0, signed.stderr + draft.stderr
    return store, [json.loads(r.stdout.splitlines()[0]) for r in (signed, draft)], [signed, draft]


def _no_warning(proc) -> None:
    assert not re.search(r"Warning\b|warnings\.warn", proc.stderr), proc.stderr


def test_no_dependency_warning_on_stderr(signed_store, tmp_path):
    store, records, runs = signed_store
    for r in runs:
        _no_warning(r)
    env = {"DIGITIZE_PASSWORD": "Mat-khau-dai-2025"}
    for args in (("verify", records[0]["pdf"]), ("verify", "--store", str(store)), ("store", "ls", "--store", str(store)),
                 ("review", "ls", "--store", str(store)), ("trust", "ls"), ("keys", "show", "--store", str(store)),
                 ("users", "add", "an", "--role", "staff", "--store", str(store)), ("verify", "--help")):
        r = digitize(*args, **env)
        assert r.returncode in (0, 1), (args, r.stderr)
        _no_warning(r)


def test_store_ls_has_a_header_and_a_status_column(signed_store):
    store, records, _ = signed_store
    r = digitize("store", "ls", "--store", str(store))
    assert r.returncode == 0, r.stderr
    header, *rows = r.stdout.splitlines()
    assert header.split() == ["ID", "DOSSIER", "TYPE", "PAGES", "STATUS", "SIGNER", "SOURCE"]
    status_at = header.index("STATUS")
    by_id = {row.split()[0]: row for row in rows}
    assert set(by_id) == {rec["id"] for rec in records}
    assert by_id[records[0]["id"]][status_at:].split()[0] == "signed"
    assert by_id[records[1]["id"]][status_at:].split()[0] == "draft"
    listed = [json.loads(line) for line in digitize("store", "ls", "--json", "--store", str(store)).stdout.splitlines()]
    assert {rec["id"]: rec["review_status"] for rec in listed} == {records[0]["id"]: "signed", records[1]["id"]: "draft"}


def test_verify_names_records_by_id_and_dossier(signed_store):
    store, records, _ = signed_store
    r = digitize("verify", "--store", str(store), "--no-revocation")
    header = next(line for line in r.stdout.splitlines() if "verdict" in line)
    assert re.search(r"\bid\b.*\bdossier\b.*\bfile\b", header), header
    for rec in records:
        row = next((line for line in r.stdout.splitlines() if rec["id"] in line), None)
        assert row is not None and rec["dossier"] in row, r.stdout
    lines = [json.loads(line) for line in digitize("verify", "--store", str(store), "--json").stdout.splitlines()]
    assert {(v["record_id"], v["dossier"]) for v in lines} == {(rec["id"], rec["dossier"]) for rec in records}


def test_help_says_what_each_option_does():
    r = digitize("users", "add", "--help")
    assert r.returncode == 0 and "per document" not in r.stdout
    assert "DIGITIZE_STORE" in digitize("store", "ls", "--help").stdout  # not eaten as markup
    from digitize.cli.app import app

    missing = []

    def walk(cmd: click.Command, path: str) -> None:
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}")
            return
        assert cmd.help, f"{path}: no description"
        for p in cmd.params:
            if p.name != "help" and not getattr(p, "help", None):
                missing.append(f"{path} {p.name}")
            if "per document" in (getattr(p, "help", "") or "") and path.startswith(("digitize users", "digitize keys")):
                missing.append(f"{path} {p.name}: says 'per document'")

    walk(typer.main.get_command(app), "digitize")
    assert not missing, missing
