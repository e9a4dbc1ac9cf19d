"""The PostgreSQL catalog: a real server from Debian's `postgresql` package, initialised in a
temporary folder on a free port, used by `batch --store postgresql://...` with objects on a
shared path; a second run is a no-op and the password never shows in output."""
from __future__ import annotations

import pytest

from digitize.errors import ExitCode
from support import digitize, make_archive
from support.postgres import postgres_server

pytestmark = [pytest.mark.system, pytest.mark.slow]  # a PostgreSQL server, whole batches


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as url:
        yield url


def test_batch_with_postgres_catalog(postgres, tmp_path):
    import psycopg

    root = make_archive(tmp_path / "arch", 3, docs=1, tag="PG")
    shared = tmp_path / "shared-objects"
    env = {"DIGITIZE_OBJECTS": str(shared)}
    r1 = digitize("batch", str(root), "--store", postgres, "--no-sign", "--jobs", "2", "--json", **env)
    r2 = digitize("batch", str(root), "--store", postgres, "--no-sign", "--jobs", "1", "--json", **env)
    ls = digitize("store", "ls", "--json", "--store", postgres, **env)
    assert r1.returncode == 0, r1.stderr
    assert len(r1.stdout.splitlines()) == 3 and r2.returncode == 0 and r2.stdout == ""  # resumed: nothing to do
    assert len(ls.stdout.splitlines()) == 3
    for text in (r1.stdout, r1.stderr, r2.stderr, ls.stdout):
        assert "s3cret" not in text
    with psycopg.connect(postgres) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT source_sha256) FROM documents").fetchone() == (3, 3)
        assert conn.execute("SELECT status, count(*) FROM batch_items GROUP BY status").fetchall() == [("done", 3)]
        shas = [r[0] for r in conn.execute("SELECT sha256 FROM documents")]
        # batch keeps the scans as originals, linked to their documents, in the same catalog
        originals = conn.execute("SELECT o.sha256, o.ext FROM originals o JOIN document_originals l "
                                 "ON l.original_sha256 = o.sha256 JOIN documents d ON d.id = l.document_id "
                                 "AND d.source_sha256 = o.sha256").fetchall()
    assert all((shared / "objects" / s[:2] / f"{s}.pdf").is_file() for s in shas)
    assert len(originals) == 3 and all((shared / "originals" / s[:2] / f"{s}.{ext}").is_file() for s, ext in originals)


def test_bad_postgres_url_is_one_line_without_password(postgres, tmp_path):
    bad = postgres.replace("s3cret-pg", "wrong-pw")
    r = digitize("batch", str(tmp_path), "--store", bad, "--no-sign", DIGITIZE_OBJECTS=str(tmp_path))
    assert r.returncode == ExitCode.STORE  # a store that cannot be opened, not a usage error
    assert "wrong-pw" not in r.stderr + r.stdout and "Traceback" not in r.stderr
    assert "cannot connect to PostgreSQL" in r.stderr


def test_review_flow_on_postgres(postgres, tmp_path):
    """Drafts, revisions, users and signing on the PostgreSQL catalog (its own database here)."""
    import json

    import psycopg

    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute("CREATE DATABASE review_flow")
    url = postgres.rsplit("/", 1)[0] + "/review_flow"
    root = make_archive(tmp_path / "arch", 1, docs=1, tag="RV")
    env = {"DIGITIZE_OBJECTS": str(tmp_path / "shared-objects")}
    run = digitize("run", str(root / "hs00"), "--store", url, "--review", "--json", "--jobs", "1", **env)
    assert run.returncode == 0, run.stderr
    doc_id = json.loads(run.stdout)["id"]
    again = digitize("run", str(root / "hs00"), "--store", url, "--review", "--json", "--jobs", "1", **env)
    assert json.loads(again.stdout)["id"] == doc_id  # a re-run finds the draft
    [row] = [json.loads(x) for x in digitize("review", "ls", "--store", url, "--json", **env).stdout.splitlines()]
    assert (row["status"], row["revision"]) == ("draft", 1)
    set_ = digitize("review", "set", doc_id, "ghi_chu=đã đối chiếu bản gốc", "--user", "lan", "--store", url,
                    "--json", **env)
    assert set_.returncode == 0, set_.stderr
    draft = json.loads(digitize("review", "show", doc_id, "--store", url, "--json", **env).stdout)
    confirm = [a for name in draft["approval"]["unconfirmed"] for a in ("--confirm", name)]
    approve = digitize("review", "approve", doc_id, *confirm, "--user", "lan", "--store", url, **env)
    assert approve.returncode == 0, approve.stderr
    signed = digitize("review", "sign", doc_id, "--user", "minh", "--store", url, "--json", **env)
    assert signed.returncode == 0, signed.stderr
    shown = json.loads(digitize("review", "show", doc_id, "--store", url, "--json", **env).stdout)
    assert shown["status"] == "signed" and shown["fields"]["ghi_chu"]["value"] == "đã đối chiếu bản gốc"
    assert [e["user"] for e in shown["history"] if e["action"] in ("field_added", "approved", "signed")] == \
        ["lan", "lan", "minh"]
    assert digitize("review", "four-eyes", "off", "--user", "quan", "--store", url, **env).returncode == 0
    assert digitize("review", "four-eyes", "--store", url, **env).stdout.strip() == "off"
    verdict = digitize("verify", shown["pdf"], "--store", url, "--json", **env)
    assert verdict.returncode == 0 and json.loads(verdict.stdout)["verdict"] == "valid"
    add = digitize("users", "add", "lan", "--role", "staff", "--store", url, DIGITIZE_PASSWORD="Lan-matkhau-2025", **env)
    assert add.returncode == 0, add.stderr
    assert "lan  staff" in digitize("users", "ls", "--store", url, **env).stdout
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM revisions WHERE document_id = %s", (doc_id,)).fetchone() == (4,)
        assert "Lan-matkhau" not in str(conn.execute("SELECT * FROM users").fetchall())
