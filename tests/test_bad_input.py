"""Bad input: each file gets a one-line `error: <file>: <reason>` and status error, the good
document in the same run is still stored, and nothing partial lands in the store."""
from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from digitize.errors import DigitizeError
from digitize.settings import Limits
from digitize.stages import ingest
from support import digitize, invoke, render_text_page


def _png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims a huge size: the shape of a decompression bomb."""
    Image.new("RGB", (8, 8), "white").save(path, "PNG")
    data = bytearray(path.read_bytes())
    ihdr = data[12:29]  # b"IHDR" + 13 bytes
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    d = tmp_path_factory.mktemp("bad")
    good = render_text_page(d / "good.jpg")
    files: dict[str, tuple[Path, str]] = {}
    (d / "empty.jpg").write_bytes(b"")
    files["empty"] = (d / "empty.jpg", "empty file")
    data = good.read_bytes()
    (d / "truncated.jpg").write_bytes(data[: len(data) // 3])
    files["truncated jpeg"] = (d / "truncated.jpg", "truncated or corrupt")
    render_text_page(d / "full.tif", fmt="TIFF")
    tif = (d / "full.tif").read_bytes()
    (d / "truncated.tif").write_bytes(tif[: len(tif) // 3])
    files["truncated tiff"] = (d / "truncated.tif", "truncated or corrupt")
    (d / "notes.jpg").write_text("Danh sách hồ sơ cần số hóa\n", encoding="utf-8")
    files["text named jpg"] = (d / "notes.jpg", "not an image or PDF")
    Image.new("RGB", (1, 1), "white").save(d / "dot.png")
    files["1x1 image"] = (d / "dot.png", "too small")
    files["pixel bomb"] = (_png_claiming(d / "bomb.png", 60000, 60000), "pixel limit")
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>\ngarbage\x00\xff" * 3)
    files["corrupt pdf"] = (d / "corrupt.pdf", "corrupt PDF")
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(d / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="secret-user-pw"))
    files["password pdf"] = (d / "locked.pdf", "password-protected")
    return {"good": (good, ""), **files}


@pytest.mark.parametrize("name", ["empty", "truncated jpeg", "truncated tiff", "text named jpg", "1x1 image",
                                  "pixel bomb", "corrupt pdf", "password pdf"])
def test_each_bad_file_is_refused_with_its_reason(bad_files, name):
    path, reason = bad_files[name]
    with pytest.raises(DigitizeError) as err:
        for ref in ingest.list_pages(str(path), Limits()):
            ingest.load_page(ref, Limits())
    assert str(path) in str(err.value)
    assert reason in err.value.reason
    assert "\n" not in str(err.value)


@pytest.mark.slow
def test_batch_goes_on_and_nothing_partial_is_stored(bad_files, tmp_path):
    store = tmp_path / "store"
    paths = [str(p) for p, _ in bad_files.values()]
    proc = digitize("run", *paths, "--store", str(store), "--no-sign", "--json", "--jobs", "2")
    assert proc.returncode == 1, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == len(paths)
    by_source = {r["source"]: r for r in rows}
    good = by_source[str(bad_files["good"][0])]
    assert good["status"] == "ok" and Path(good["pdf"]).is_file()
    errors = [r for r in rows if r["status"] == "error"]
    assert len(errors) == len(paths) - 1
    err_lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert len(err_lines) == len(errors)
    reasons = {str(p): reason for p, reason in bad_files.values()}
    for r in errors:
        assert r["error"].startswith(r["source"]) and "Traceback" not in r["error"]
        assert reasons[r["source"]] in r["error"], r["error"]
    assert "Traceback" not in proc.stderr
    assert "secret-user-pw" not in proc.stderr + proc.stdout
    # nothing partial: exactly one object, no temp files, one catalog row
    objects = [p for p in (store / "objects").rglob("*") if p.is_file()]
    assert [p.name for p in objects] == [f"{good['sha256']}.pdf"]
    ls = invoke("store", "ls", "--store", str(store), "--json")
    assert [json.loads(x)["id"] for x in ls.stdout.splitlines()] == [good["id"]]
