"""Sessions kept in the catalog, on sqlite and on a real PostgreSQL server: only the token's hash is
stored, a session ends when its user is disabled or gets a new password, when idle too long or too
old, and expired rows are swept; the log-in throttle's table stays bounded."""
from __future__ import annotations

import time

import pytest

from digitize.review import users
from digitize.store import open_store
from digitize.web.auth import Lifetimes, Sessions, Throttle, token_hash
from support.postgres import new_database, postgres_server

PASSWORD = "Lan-matkhau-2025"


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.system, pytest.mark.slow])])
def store(request, tmp_path):
    if request.param == "sqlite":
        return open_store(str(tmp_path / "store"))
    url = new_database(request.getfixturevalue("postgres"), f"sessions_{tmp_path.name[-12:].lower()}")
    return open_store(url, objects=str(tmp_path / "objects"))


def _users(store) -> None:
    users.add_user(store, "lan", "staff", PASSWORD)
    users.add_user(store, "minh", "signer", PASSWORD)


def test_a_session_is_kept_hashed_and_read_with_its_user(store):
    _users(store)
    sessions = Sessions()
    token, opened = sessions.open(store, "lan", "staff")
    assert store.sessions.get(token) is None and store.sessions.get(token_hash(token)).username == "lan"
    again = Sessions().get(store, token)  # another server process, same catalog
    assert again == opened and again.csrf != token
    users.set_role(store, "lan", "auditor")
    assert sessions.get(store, token).role == "auditor"  # the role is read on every request
    sessions.close(store, token)
    assert sessions.get(store, token) is None


def test_disabling_or_a_new_password_ends_every_session_of_the_user(store):
    _users(store)
    sessions = Sessions()
    lan = [sessions.open(store, "lan", "staff")[0] for _ in range(2)]
    minh, _ = sessions.open(store, "minh", "signer")
    users.disable_user(store, "lan")
    assert [sessions.get(store, t) for t in lan] == [None, None]
    assert sessions.get(store, minh).user == "minh"
    users.reset_password(store, "minh", "Minh-moi-2026-xyz")
    assert sessions.get(store, minh) is None


def test_idle_and_old_sessions_end_and_are_swept(store):
    _users(store)
    short = Sessions(Lifetimes(idle=0.05, absolute=3600))
    token, _ = short.open(store, "lan", "staff")
    time.sleep(0.3)  # six times the idle lifetime
    assert short.get(store, token) is None
    young = Sessions(Lifetimes(idle=3600, absolute=0.05))
    token, _ = young.open(store, "lan", "staff")
    time.sleep(0.3)
    assert young.get(store, token) is None
    stale, _ = Sessions().open(store, "minh", "signer")
    time.sleep(0.3)
    short.open(store, "lan", "staff")  # a log-in sweeps what has expired
    assert store.sessions.get(token_hash(stale)) is None


def test_the_throttle_table_is_bounded():
    throttle = Throttle(max_entries=100)
    for i in range(1000):
        throttle.failed(f"ten-{i}", f"10.0.{i // 250}.{i % 250}")
    assert len(throttle) <= 100
    for _ in range(5):
        throttle.failed("lan", "10.9.9.9")
    assert throttle.wait_for("lan", "10.9.9.9") >= 1 and throttle.wait_for("lan", "10.9.9.8") == 0
