"""Exit codes follow from the kind of error (digitize.errors.ExitCode): one line on stderr for each, the
traceback of a bug only with --debug."""
from __future__ import annotations

import fcntl

from digitize.errors import ExitCode
from support import digitize, free_port, render_text_page, stored
from support.faults import BROKEN_ENGINE


def test_a_bug_fails_its_document_in_one_line_with_the_traceback_only_with_debug(tmp_path):
    scan = render_text_page(tmp_path / "a.jpg")
    env = {"DIGITIZE_OCR_ENGINE": BROKEN_ENGINE}
    args = ["run", str(scan), "--store", str(tmp_path / "s"), "--no-sign", "--jobs", "1"]
    plain = digitize(*args, **env)
    assert plain.returncode == ExitCode.SOME_FAILED, plain.stderr
    assert f"error: {scan}: internal error: ZeroDivisionError: engine bug" in plain.stderr
    assert "Traceback" not in plain.stderr
    debug = digitize(*args, "--debug", **env)
    assert debug.returncode == ExitCode.SOME_FAILED
    assert "Traceback" in debug.stderr and 'raise ZeroDivisionError("engine bug")' in debug.stderr


def test_a_held_store_is_a_store_error_not_a_usage_error(tmp_path):
    store, inbox = tmp_path / "s", tmp_path / "inbox"
    store.mkdir()
    inbox.mkdir()
    with open(store / ".batch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running batch holds it
        r = digitize("watch", str(inbox), "--once", "--store", str(store), "--no-sign")
    assert r.returncode == ExitCode.STORE, r.stderr
    assert r.stderr.count("error:") == 1 and "another batch or watcher is using this store" in r.stderr


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    r = digitize("run", str(tmp_path / "empty"), "--store", str(tmp_path / "s"), "--no-sign")
    assert r.returncode == ExitCode.USAGE and "no input documents found" in r.stderr
    r = digitize("batch", str(tmp_path / "no-such-manifest.csv"), "--store", str(tmp_path / "s"), "--no-sign")
    assert r.returncode == ExitCode.USAGE and "no such manifest file or folder" in r.stderr


def test_an_unreachable_scheduler_exits_6_naming_it(tmp_path):
    (tmp_path / "in").mkdir()
    scan = render_text_page(tmp_path / "in" / "a.jpg")
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    r = digitize("batch", str(scan.parent), "--store", str(tmp_path / "s"), "--no-sign", "--cluster", address,
                 DIGITIZE_DASK_TIMEOUT="1")
    assert r.returncode == ExitCode.UNAVAILABLE, r.stderr
    assert r.stderr.count("error:") == 1 and f"error: {address}: cannot reach the Dask scheduler" in r.stderr
    assert stored(tmp_path / "s") == []


def test_a_bad_scheduler_timeout_is_a_usage_error(tmp_path):
    (tmp_path / "in").mkdir()
    scan = render_text_page(tmp_path / "in" / "a.jpg")
    r = digitize("batch", str(scan.parent), "--store", str(tmp_path / "s"), "--no-sign", "--cluster",
                 "tcp://127.0.0.1:1", DIGITIZE_DASK_TIMEOUT="soon")
    assert r.returncode == ExitCode.USAGE, r.stderr
    assert "error: DIGITIZE_DASK_TIMEOUT: not a number of seconds: 'soon'" in r.stderr
