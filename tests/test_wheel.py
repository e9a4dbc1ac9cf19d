"""The package as users install it: a wheel built from the sources, installed into a fresh venv
outside the checkout (its dependencies taken from the project's .venv, so no network is needed),
lists the built-in profiles and digitises a page with the data files the wheel carries."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from support import REPO, render_text_page

pytestmark = pytest.mark.slow

BUILT_IN = {"cccd", "dang_ky_doanh_nghiep", "don_de_nghi", "gcn_qsdd", "generic", "giay_khai_sinh",
            "giay_phep_xay_dung", "giay_tiep_nhan", "quyet_dinh", "xac_nhan_hon_nhan"}


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "-q", "--disable-pip-version-check", *args],
                   check=True, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv python, venv digitize script, clean environment) of a wheel install."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"  # only what the wheel is built from: no stray build/ or egg-info in the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "digitize", src / "digitize", ignore=shutil.ignore_patterns("__pycache__"))
    _pip("wheel", str(src), "--no-deps", "--no-build-isolation", "-w", str(work / "dist"))
    (wheel,) = (work / "dist").glob("digitize-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    _pip("--python", str(python), "install", "--no-deps", "--no-index", str(wheel))
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # the dependencies: the project venv's site-packages, after the venv's own (a path in a .pth file
    # is added without running the .pth files inside it, so the checkout's editable install stays out)
    (Path(site) / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DIGITIZE_PROFILES", "DIGITIZE_STORE")}
    env["OMP_THREAD_LIMIT"] = "1"
    return python, venv / "bin" / "digitize", env, work


def test_the_installed_package_is_the_wheel(installed):
    python, _, env, work = installed
    where = subprocess.run([str(python), "-c", "import digitize; print(digitize.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(work / "venv")) and not where.startswith(str(REPO))
    licence = subprocess.run([str(python), "-c", "import importlib.metadata as m; d = m.distribution('digitize'); "
                              "print(d.metadata['License-Expression'], any(f.name == 'LICENSE' for f in d.files))"],
                             cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert licence == ["GPL-3.0-or-later", "True"]


def test_profiles_ls_lists_the_built_in_profiles(installed):
    _, digitize, env, work = installed
    proc = subprocess.run([str(digitize), "profiles", "ls", "--json"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert {r["id"] for r in rows} == BUILT_IN
    assert all(r["source"].startswith(str(work / "venv")) for r in rows)  # package data from the wheel


def test_run_digitises_a_page(installed):
    _, digitize, env, work = installed
    page = render_text_page(work / "trang-1.jpg", size=(1654, 2339))
    proc = subprocess.run([str(digitize), "run", str(page), "--store", str(work / "store"), "--no-sign", "--json",
                           "--jobs", "1"], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (row,) = [json.loads(x) for x in proc.stdout.splitlines()]
    assert row["status"] == "ok", row
    assert "Nguyễn Thị Hồng Nhung" in row["fields"].values(), row["fields"]
    assert (work / "store" / "objects" / row["sha256"][:2] / f"{row['sha256']}.pdf").is_file()
