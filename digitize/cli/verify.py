"""CLI commands for signing keys and auditing: `digitize verify` and `digitize keys demo|show|list`."""
from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from digitize import settings
from digitize.cli.archive import verify_packages
from digitize.errors import ExitCode, InputError, UsageError
from digitize.reports.audit import audit_report
from digitize.store import open_store

stderr = Console(stderr=True)
keys_app = typer.Typer(no_args_is_help=True, help="Signing keys: the demo key, and what a PKCS#11 token holds.")

StoreOpt = typer.Option(None, "--store", help="Store folder or postgresql:// URL (env DIGITIZE_STORE; default ./digitize-store)")


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
    app.add_typer(keys_app, name="keys")


def _quiet(debug: bool) -> None:
    # pyHanko logs every validation problem with a traceback; the verdict already names them.
    if not debug:
        for name in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def verify(
    files: list[Path] = typer.Argument(None, help="PDF files to verify (default with --store: every stored object)"),
    store: str = StoreOpt,
    trust: list[Path] = typer.Option(None, "--trust", help="Also trust this certificate (PEM/DER); repeatable"),
    no_builtin_trust: bool = typer.Option(False, "--no-builtin-trust",
                                          help="Do not use the built-in Vietnamese trust store (or DIGITIZE_TRUST_DIR)"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per file on stdout"),
    report: Path = typer.Option(None, "--report", help="Folder for the audit report (JSON + HTML); default <store>/reports"),
    etsi: Path = typer.Option(None, "--etsi", help="Write an ETSI TS 119 102-2 validation report (XML) to this file"),
    lang: str = typer.Option("vi", "--lang", help="Language of the HTML audit report: vi or en"),
    no_revocation: bool = typer.Option(False, "--no-revocation",
                                       help="Accept a trusted chain without revocation data (embedded data still counts)"),
    online: bool = typer.Option(False, "--online", help="Fetch OCSP/CRL answers from the URLs in the certificates"),
    debug: bool = typer.Option(False, "--debug", help="Show library diagnostics"),
    package: list[Path] = typer.Option(None, "--package", help="E-ARK package folder or ZIP to re-check; repeatable"),
) -> None:
    """Verify signatures, PDF/A conformance and store integrity; exit 0 only when every file is valid.
    Trusts the built-in Vietnamese trust store (`digitize trust ls`) unless --no-builtin-trust."""
    # lazy: verification loads pyHanko's validation stack (~0.5 s); other commands start without it
    from digitize.verify.files import load_trust, verify_file, verify_store

    _quiet(debug)
    if package:
        verify_packages(package, trust, as_json)
    if not files and store is None:
        raise UsageError("verify", "give FILE... or --store DIR")
    if lang not in ("vi", "en"):
        raise UsageError("--lang", "vi or en")
    roots = load_trust(trust or [])
    the_store = None
    if store is not None:
        if not Path(store).exists() and "://" not in store:
            raise UsageError(store, "no such store")
        the_store = open_store(store)
    opts = dict(revocation=not no_revocation, online=online, builtin_trust=not no_builtin_trust,
                etsi=etsi is not None)
    if files:
        verdicts = [verify_file(f, roots, store=the_store, **opts) for f in files]
    else:
        verdicts = verify_store(the_store, roots, **opts)
    records = _records(verdicts, the_store)
    if as_json:
        for v in verdicts:
            rec = records.get(v.file)
            named = {"record_id": rec.id, "dossier": rec.dossier} if rec is not None else {}
            sys.stdout.write(json.dumps({**v.as_json(), **named}, ensure_ascii=False) + "\n")
    else:
        _print_table(verdicts, records)
    if the_store is not None and not files or report is not None:
        _write_report(verdicts, report or Path(the_store.root) / "reports", the_store, lang)
    if etsi is not None:
        # lazy: the ETSI bindings (xsdata) load only when a report is asked for
        from digitize.reports.etsi import etsi_report

        etsi.write_text(etsi_report(verdicts), encoding="utf-8")
        stderr.print(f"ETSI TS 119 102-2 report: {etsi}", highlight=False)
    raise typer.Exit(ExitCode.of(not verdicts or any(v.verdict.value != "valid" for v in verdicts)))


def _records(verdicts, store) -> dict:
    """file -> the stored record it is the PDF of, for files the store knows."""
    out = {}
    for v in verdicts:
        rec = store.get(v.store.record_id) if store is not None and v.store.record_id else None
        if rec is not None:
            out[v.file] = rec
    return out


def _print_table(verdicts, records: dict) -> None:
    """One row per file; a stored one named by its record id and dossier, as `store ls` shows them."""
    # a pipe or log gets full rows; a terminal gets its own width
    out = Console() if sys.stdout.isatty() else Console(width=240, soft_wrap=True)
    table = Table(show_lines=False)
    named = bool(records)
    for col in (("id", "dossier") if named else ()) + ("file", "verdict", "signer", "level", "signing time",
                                                         "PDF/A", "store", "reasons"):
        table.add_column(col, overflow="fold" if col == "file" else "ellipsis")
    colours = {"valid": "green", "invalid": "red", "indeterminate": "yellow"}
    for v in verdicts:
        sig = next((s for s in reversed(v.signatures) if s.kind == "signature"), None)
        pdfa = f"{v.pdfa.claimed or '-'} {'ok' if v.pdfa.ok else ('problems' if v.pdfa.ok is False else '?')}"
        store = "-" if v.store.known is None else ("ok" if v.store.sha256_match else "MISMATCH" if v.store.known else "unknown")
        rec = records.get(v.file)
        ids = ((rec.id, rec.dossier) if rec is not None else ("-", "-")) if named else ()
        table.add_row(*ids, v.file, f"[{colours[v.verdict.value]}]{v.verdict.value}[/]", sig.signer if sig else "-",
                      sig.level if sig else "-", sig.signing_time if sig else "-", pdfa, store,
                      "\n".join(v.reasons) or "-")
    out.print(table)


def _write_report(verdicts, folder: Path, store, lang: str = "vi") -> None:
    # lazy: policy.py loads pyhanko-certvalidator; only verification needs it
    from digitize.verify.policy import describe

    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%dT%H%M%S")
    base = folder / f"audit-{stamp}"
    subtitle = f"store {store.root}" if store is not None else ""
    base.with_suffix(".json").write_text(json.dumps({"created": dt.datetime.now().astimezone().isoformat(),
                                                     "policy": describe(),
                                                     "files": [v.as_json() for v in verdicts]},
                                                    ensure_ascii=False, indent=1), encoding="utf-8")
    html = audit_report(verdicts, subtitle, lang, _record_labels(_records(verdicts, store)))
    base.with_suffix(".html").write_text(html, encoding="utf-8")
    stderr.print(f"audit report: {base}.json, {base}.html", highlight=False)


def _record_labels(records: dict) -> dict:
    """file -> dossier code and document ordinal, for files the store knows."""
    return {file: {"dossier": rec.dossier, "document": rec.metadata.get("doc_ordinal") or rec.id[:12]}
            for file, rec in records.items()}


@keys_app.command("demo")
def keys_demo(store: str = StoreOpt,
              organisation: str = typer.Option(None, "--organisation", help="Organisation named in the certificate")) -> None:
    """Create the demo signing key in the store's keys/ folder (once; files 0600, subject says DEMO)."""
    # lazy: pyHanko takes ~0.5 s to import; only the key commands need it
    from digitize.signing.signers import ensure_demo_key

    the_store = open_store(store)
    demo = ensure_demo_key(Path(the_store.keys_dir), settings.organisation(organisation))
    verb = "created" if demo.created else "exists"
    stderr.print(f"demo key {verb}: {demo.signer_cert.parent}", highlight=False)
    typer.echo(demo.subject)


@keys_app.command("show")
def keys_show(store: str = StoreOpt,
              as_json: bool = typer.Option(False, "--json", help="The certificate's details as one JSON object")) -> None:
    """Show the demo certificate of a store: subject, issuer, validity, SHA-256 fingerprint."""
    # lazy: pyHanko takes ~0.5 s to import; only the key commands need it
    from pyhanko.keys import load_cert_from_pemder

    from digitize.signing.signers import DEMO_CERT

    path = Path(open_store(store).keys_dir) / DEMO_CERT
    if not path.exists():
        raise InputError(str(path), "no demo key yet (run `digitize keys demo`)")
    cert = load_cert_from_pemder(str(path))
    info = {"certificate": str(path), "subject": cert.subject.human_friendly, "issuer": cert.issuer.human_friendly,
            "not_before": cert.not_valid_before.isoformat(), "not_after": cert.not_valid_after.isoformat(),
            "sha256": cert.sha256.hex()}
    typer.echo(json.dumps(info, ensure_ascii=False) if as_json else "\n".join(f"{k}: {v}" for k, v in info.items()))


@keys_app.command("list")
def keys_list(signer: str = typer.Option(..., "--signer", help="pkcs11:module=PATH;token=LABEL"),
              as_json: bool = typer.Option(False, "--json", help="One JSON object per key or certificate")) -> None:
    """List the keys and certificates on a PKCS#11 token (PIN from DIGITIZE_PIN or a prompt)."""
    # lazy: pyHanko takes ~0.5 s to import; only the key commands need it
    from digitize.signing.signers import SignerSpec, list_token

    spec = SignerSpec.parse(signer)
    if spec.kind != "pkcs11":
        raise UsageError("--signer", "keys list needs a pkcs11: signer")
    objects = list_token(spec, prompt=sys.stdin.isatty())
    for o in objects:
        if as_json:
            typer.echo(json.dumps({"kind": o.kind, "label": o.label, "id": o.id_hex, "subject": o.subject},
                                  ensure_ascii=False))
        else:
            typer.echo(f"{o.kind:12} label={o.label!r} id={o.id_hex} {o.subject}")
