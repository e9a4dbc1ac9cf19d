"""`digitize profiles ls|show|check`: the document-type profiles the extractor knows."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from digitize.errors import ExitCode
from digitize.profiles.loader import BUILTIN_DIR, check_profiles, load_profiles, user_dirs

stderr = Console(stderr=True)
stdout = Console()
profiles_app = typer.Typer(no_args_is_help=True, help="Document-type profiles: list, show, check.")

DirOpt = typer.Option(None, "--profiles", help="Extra folder of profile YAML files (env DIGITIZE_PROFILES)")
JsonOpt = typer.Option(False, "--json", help="JSON on stdout")


def register(app: typer.Typer) -> None:
    app.add_typer(profiles_app, name="profiles")


def _load(profiles_dir: Path | None):
    return load_profiles(user_dirs([profiles_dir] if profiles_dir else []))


@profiles_app.command("ls")
def ls(profiles_dir: Path = DirOpt, as_json: bool = JsonOpt) -> None:
    """List the known profiles (built-in and the user's)."""
    ps = _load(profiles_dir)
    if as_json:
        for p in ps:
            print(json.dumps({"id": p.id, "title": p.title, "fields": len(p.fields), "source": p.source,
                              "validity": p.validity.describe()}, ensure_ascii=False))
        return
    t = Table("id", "title", "fields", "validity", "source")
    for p in ps:
        t.add_row(p.id, p.title, str(len(p.fields)), p.validity.describe(), p.source)
    stdout.print(t)


@profiles_app.command("show")
def show(profile_id: str = typer.Argument(..., help="Profile id"), profiles_dir: Path = DirOpt,
         as_json: bool = JsonOpt) -> None:
    """Show one profile: recognition rules, fields, validity."""
    ps = _load(profiles_dir)
    p = ps[profile_id]
    data = {
        "id": p.id, "title": p.title, "source": p.source, "threshold": p.threshold,
        "titles": [{"text": k.text, "weight": k.weight} for k in p.titles],
        "keywords": [{"text": k.text, "weight": k.weight} for k in p.keywords],
        "fields": [{"name": f.name, "type": f.type, "required": f.required, "labels": list(f.labels),
                    "locate": f.locate, "validators": list(f.validators)} for f in p.fields],
        "validity": {"rule": p.validity.rule, "description": p.validity.describe()},
    }
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    stdout.print(f"[bold]{p.id}[/] — {p.title}  ({p.source})")
    stdout.print("titles: " + "; ".join(k.text for k in p.titles))
    stdout.print("keywords: " + "; ".join(k.text for k in p.keywords))
    t = Table("field", "type", "required", "labels / locator")
    for f in p.fields:
        t.add_row(f.name, f.type, "yes" if f.required else "", " | ".join(f.labels) or f"({f.locate})")
    stdout.print(t)
    stdout.print(f"validity: {p.validity.describe()}")


@profiles_app.command("check")
def check(paths: list[Path] = typer.Argument(None, help="Profile files or folders (default: built-in + --profiles)"),
          profiles_dir: Path = DirOpt, as_json: bool = JsonOpt) -> None:
    """Check profile files; report each broken one with file, line and key. Exit 1 if any is broken."""
    targets = list(paths or []) or [BUILTIN_DIR, *user_dirs([profiles_dir] if profiles_dir else [])]
    problems = check_profiles(targets)
    for e in problems:
        if as_json:
            print(json.dumps({"file": e.path, "line": e.line, "key": e.key, "error": str(e)}, ensure_ascii=False))
        else:
            stderr.print(f"[red]error:[/] {e}", highlight=False, soft_wrap=True)
    if not problems and not as_json:
        stderr.print("all profiles ok")
    raise typer.Exit(ExitCode.of(bool(problems)))
