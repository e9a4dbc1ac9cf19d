"""Profiles: built-ins load, a user folder adds/overrides, a broken profile names file, line and key."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digitize.profiles.loader import ProfileError, check_profiles, load_profiles

REPO = Path(__file__).resolve().parents[1]
TYPES = ["giay_khai_sinh", "xac_nhan_hon_nhan", "gcn_qsdd", "dang_ky_doanh_nghiep", "giay_phep_xay_dung",
         "quyet_dinh", "don_de_nghi", "giay_tiep_nhan", "cccd", "generic"]

GOOD = """id: giay_bao_tu
title: Giấy báo tử
match:
  titles: ["GIẤY BÁO TỬ"]
  keywords: ["Đã chết vào lúc", "Nguyên nhân chết"]
fields:
  - {name: ho_ten, labels: ["Họ, chữ đệm, tên"], type: name, required: true}
validity: {rule: permanent}
"""


def test_builtin_profiles_cover_the_document_types():
    ps = load_profiles()
    assert set(TYPES) <= {p.id for p in ps}
    assert ps["xac_nhan_hon_nhan"].validity.months == 6
    assert ps["giay_phep_xay_dung"].validity.months == 12
    assert ps["cccd"].validity.field == "co_gia_tri_den"
    # the same thing has the same name across profiles
    for pid in ("giay_khai_sinh", "xac_nhan_hon_nhan", "don_de_nghi", "cccd"):
        assert {"ho_ten", "so_dinh_danh"} <= {f.name for f in ps[pid].fields}
    assert check_profiles([REPO / "digitize" / "profiles" / "builtin"]) == []


def test_user_folder_adds_and_overrides(tmp_path):
    (tmp_path / "bao_tu.yaml").write_text(GOOD, "utf-8")
    (tmp_path / "cccd.yaml").write_text(GOOD.replace("giay_bao_tu", "cccd"), "utf-8")
    ps = load_profiles([tmp_path])
    assert ps["giay_bao_tu"].title == "Giấy báo tử"
    assert ps["cccd"].source == str(tmp_path / "cccd.yaml")
    assert len(ps) == len(load_profiles()) + 1


@pytest.mark.parametrize("text,line,key", [
    (GOOD.replace("type: name", "type: nmae"), 7, "fields.ho_ten.type"),
    (GOOD.replace("rule: permanent", "rule: forever"), 8, "validity.rule"),
    (GOOD.replace('  keywords: ["Đã chết vào lúc", "Nguyên nhân chết"]\n', "  keywords: [a]\n  weights: 3\n"), 6, "match.weights"),
    (GOOD.replace("id: giay_bao_tu", "id: Giấy báo tử"), 1, "id"),
    (GOOD.replace('labels: ["Họ, chữ đệm, tên"], ', ""), 7, "fields.ho_ten"),
    (GOOD.replace("{rule: permanent}", "{rule: duration, start: ngay_cap, months: 6}"), 8, "validity.start"),
    (GOOD.replace('titles: ["GIẤY BÁO TỬ"]', 'titles: ["GIẤY BÁO TỬ"'), 5, ""),  # YAML syntax error
])
def test_broken_profile_names_file_line_and_key(tmp_path, text, line, key):
    path = tmp_path / "bao_tu.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ProfileError) as info:
        load_profiles([tmp_path])
    e = info.value
    assert e.path == str(path) and e.line == line and e.key == key
    assert str(e).startswith(f"{path}:{line}: ")
    assert "\n" not in str(e)
    assert [p.line for p in check_profiles([tmp_path])] == [line]


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "digitize.cli.app", "profiles", *args], capture_output=True,
                          text=True, cwd=REPO, env={**os.environ, **(env or {})}, timeout=60)


def test_cli_ls_show_check(tmp_path):
    (tmp_path / "bao_tu.yaml").write_text(GOOD, "utf-8")
    r = _cli("ls", "--json", env={"DIGITIZE_PROFILES": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert '"id": "giay_bao_tu"' in r.stdout and '"id": "generic"' in r.stdout
    r = _cli("show", "xac_nhan_hon_nhan", "--json")
    assert r.returncode == 0 and '"tinh_trang_hon_nhan"' in r.stdout and "6 months" in r.stdout
    r = _cli("check", "--profiles", str(tmp_path))
    assert r.returncode == 0, r.stderr
    (tmp_path / "bad.yaml").write_text(GOOD.replace("type: name", "type: nmae"), "utf-8")
    r = _cli("check", str(tmp_path))
    assert r.returncode == 1
    assert f"{tmp_path / 'bad.yaml'}:7: fields.ho_ten.type: unknown type 'nmae'" in " ".join(r.stderr.split())
    assert "Traceback" not in r.stderr
    r = _cli("ls", "--profiles", str(tmp_path))  # a broken user profile: one clear line, exit 2
    assert r.returncode == 2 and "Traceback" not in r.stderr and "bad.yaml:7" in r.stderr
