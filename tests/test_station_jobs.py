"""The station's upload jobs in the catalog, on both backends (sqlite and a real PostgreSQL server):
a job is committed once, moves pending -> running -> done or error, is what a restart resumes while
unfinished, and names the originals it keeps."""
from __future__ import annotations

import pytest

from digitize.store import open_store
from digitize.store.jobs import JobRow
from support.postgres import new_database, postgres_server

pytestmark = [pytest.mark.system]


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, monkeypatch):
    if request.param == "sqlite":
        return open_store(tmp_path / "store")
    url = new_database(request.getfixturevalue("postgres"), f"jobs_{tmp_path.name[-12:].lower()}")
    return open_store(url, objects=str(tmp_path / "objects"))


def _job(n: int, **kw) -> JobRow:
    return JobRow(f"job{n:017d}", f"scan{n}.jpg", "H26-JOBS", f"originals/ab/{n:064d}.jpg", **kw)


def test_a_job_is_committed_once_and_resumed_until_it_is_finished(store):
    jobs = store.jobs
    assert jobs.add(_job(1, parts=["originals/cd/part.png"], profile="cccd", metadata={"original_name": "a.jpg"}))
    assert jobs.add(_job(2))
    assert not jobs.add(_job(1))  # sent again while unfinished: no second job
    assert [j.id for j in jobs.active()] == [_job(1).id, _job(2).id] and jobs.count_active() == 2
    jobs.started(_job(1).id, 3)
    jobs.progress(_job(1).id, 2, [4, 7])
    row = jobs.get(_job(1).id)
    assert (row.status, row.pages_done, row.pages_total, row.read_order) == ("running", 2, 3, [4, 7])
    assert (row.profile, row.metadata, row.parts) == ("cccd", {"original_name": "a.jpg"}, ["originals/cd/part.png"])
    assert [j.id for j in jobs.stuck("9999")] == [_job(1).id, _job(2).id]  # neither moved since then
    assert jobs.stuck("0000") == []
    jobs.finished(_job(1).id)
    jobs.finished(_job(2).id, "scan2.jpg: unreadable image")
    assert jobs.active() == [] and jobs.count_active() == 0
    assert [(j.id, j.status, j.error) for j in jobs.shown()] == [(_job(2).id, "error", "scan2.jpg: unreadable image")]
    # a finished job still names its files; a failed one does not (its original was removed)
    assert jobs.kept_files() == {_job(1).original, "originals/cd/part.png"}
    assert jobs.others_keep("another", _job(1).original) and not jobs.others_keep(_job(1).id, _job(1).original)
    assert jobs.add(_job(2))  # a failed upload may be sent again
    assert jobs.get(_job(2).id).status == "pending"
