"""metadata/descriptive/hoso.xml: the hồ sơ and document metadata Circular 05/2025/TT-BNV asks of
digitised records, in the project schema `schemas/digitize-hoso-1.0.xsd` (shipped as package data and
copied into every package). Values come from the manifest's columns when given, else from the records
(counts, pages, dates, extracted fields as stored — reviewed values once review revisions exist)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib import resources

from digitize.archive.collect import REP_ORIGINAL, REP_PDFA, DossierContent
from digitize.archive.xmlstream import element, fill, placeholder
from digitize.store.people import validity

NS = "https://digitize.example/ns/hoso/1.0"
SCHEMA_FILE = "digitize-hoso-1.0.xsd"
ET.register_namespace("hs", NS)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# element -> manifest columns that may give it (Vietnamese or English names)
_DOSSIER_COLUMNS = {
    "tieuDe": ("tieu_de", "title"), "thoiHanLuuTru": ("thoi_han_luu_tru", "retention"),
    "mucDoTiepCan": ("muc_do_tiep_can", "access"), "kyHieuThongTin": ("ky_hieu_thong_tin", "information_symbol"),
    "maHoSoGocGiay": ("ma_ho_so_goc_giay", "paper_dossier_code"), "tinhTrangVatLy": ("tinh_trang_vat_ly",),
    "cheDoDuPhong": ("che_do_du_phong",), "tinhTrangDuPhong": ("tinh_trang_du_phong",),
    "mucDoTinCay": ("muc_do_tin_cay",), "soTo": ("so_to", "sheets"),
}
# element -> extracted field names that give it
_DOCUMENT_FIELDS = {
    "soKyHieu": ("so_van_ban", "so_ky_hieu", "so"), "ngayVanBan": ("ngay_ban_hanh", "ngay_cap", "ngay_ky"),
    "coQuanBanHanh": ("co_quan_ban_hanh", "co_quan_cap"), "trichYeu": ("trich_yeu", "tieu_de", "ten_van_ban"),
    "nguoiKy": ("nguoi_ky",), "noiNhan": ("noi_nhan",),
}


def schema_bytes() -> bytes:
    return resources.files("digitize.archive").joinpath("schemas", SCHEMA_FILE).read_bytes()


def _sub(parent: ET.Element, tag: str, text=None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = str(text)
    return el


def _column(meta: dict, names: tuple[str, ...]) -> str:
    return next((str(meta[n]) for n in names if meta.get(n) not in (None, "")), "")


def _field(rec, names: tuple[str, ...]) -> str:
    values = {f.name: f.value for f in rec.fields}
    return next((str(values[n]) for n in names if values.get(n) not in (None, "")), "")


def descriptive_parts(content: DossierContent) -> Iterator[bytes]:
    """hoso.xml piece by piece: the hồ sơ's own elements, then one taiLieu at a time."""
    meta, records = content.metadata, content.records
    root = ET.Element(f"{{{NS}}}hoSo", {"version": "1.0"})
    _sub(root, "maHoSo", content.code)
    _sub(root, "tieuDe", _column(meta, _DOSSIER_COLUMNS["tieuDe"]) or _default_title(content))
    for tag in ("thoiHanLuuTru", "mucDoTiepCan"):
        _sub(root, tag, _column(meta, _DOSSIER_COLUMNS[tag]))
    _sub(root, "ngonNgu", meta.get("ngon_ngu") or "vi")
    dates = sorted(d for d in (_field(r, _DOCUMENT_FIELDS["ngayVanBan"])[:10] for r in records) if _ISO_DATE.match(d))
    _sub(root, "thoiGianBatDau", dates[0] if dates else "")
    _sub(root, "thoiGianKetThuc", dates[-1] if dates else "")
    for word in sorted({r.doc_type for r in records}):
        _sub(root, "tuKhoa", word)
    _sub(root, "tongSoTaiLieu", len(records))
    _sub(root, "soTo", _column(meta, _DOSSIER_COLUMNS["soTo"]))
    _sub(root, "soTrang", sum(r.pages for r in records))
    for tag in ("tinhTrangVatLy", "kyHieuThongTin"):
        _sub(root, tag, _column(meta, _DOSSIER_COLUMNS[tag]))
    _sub(root, "mucDoTinCay", _column(meta, _DOSSIER_COLUMNS["mucDoTinCay"]) or _reliability(content))
    _sub(root, "maHoSoGocGiay", _column(meta, _DOSSIER_COLUMNS["maHoSoGocGiay"]) or content.code)
    for tag in ("cheDoDuPhong", "tinhTrangDuPhong"):
        _sub(root, tag, _column(meta, _DOSSIER_COLUMNS[tag]))
    _sub(root, "maThuTuc", meta.get("procedure_code") or meta.get("ma_tthc") or "")
    ET.indent(root)
    root[-1].tail = placeholder("documents")
    by_record: dict[str, list] = {}
    for f in content.files:
        by_record.setdefault(f.record_id, []).append(f)
    return fill(root, {"documents": (element(_document(rec, content, by_record.get(rec.id, []))) for rec in records)})


def _default_title(content: DossierContent) -> str:
    kinds = ", ".join(sorted({r.doc_type for r in content.records}))
    return f"Hồ sơ {content.code} ({kinds})"


def _reliability(content: DossierContent) -> str:
    """Mức độ tin cậy: 'gốc điện tử' when every document arrived electronic, else 'số hóa'."""
    kinds = {o.kind for os_ in content.originals.values() for o in os_}
    return "gốc điện tử" if kinds == {"electronic"} else "số hóa"


def _document(rec, content: DossierContent, files: list) -> ET.Element:
    doc = ET.Element(f"{{{NS}}}taiLieu", {"id": rec.id})
    _sub(doc, "soThuTu", rec.metadata.get("doc_ordinal", ""))
    _sub(doc, "maDinhDanh", rec.id)
    _sub(doc, "tenLoai", rec.doc_type)
    # the record's validity as the person index has it: the manifest's dates when it gave them
    issued, until = validity(rec.metadata, rec.valid_until, {f.name: f.value for f in rec.fields})
    for tag, names in _DOCUMENT_FIELDS.items():
        _sub(doc, tag, _field(rec, names) or (issued or "" if tag == "ngayVanBan" else ""))
    _sub(doc, "ngonNgu", "vi")
    _sub(doc, "soTrang", rec.pages)
    _sub(doc, "hieuLucDen", until or "")
    originals = content.originals.get(rec.id, [])
    _sub(doc, "mucDoTinCay", "gốc điện tử" if originals and originals[0].kind == "electronic" else "số hóa")
    for f in files:
        role = "banSoHoa" if f.rep == REP_PDFA else "banGoc" if f.rep == REP_ORIGINAL else f.rep
        _sub(doc, "tepTin", f.path, vaiTro=role, sha256=f.sha256)
    if rec.signature:
        _sub(doc, "chuKySo", rec.signature.signer, thoiGian=rec.signature.signing_time, muc=rec.signature.level)
    for o in originals:
        if o.signature:
            _sub(doc, "chuKyBanGoc", o.signature.get("signer") or "", ketQua=o.signature.get("verdict") or "",
                 toanVen=str(o.signature.get("intact")).lower(), tinCay=str(o.signature.get("trusted")).lower(),
                 thoiGian=o.signature.get("signing_time") or "")
    fields = _sub(doc, "truongDuLieu")
    for f in rec.fields:
        _sub(fields, "truong", "" if f.value is None else f.value, ten=f.name,
             canKiemTra=str(f.needs_review).lower(), doTinCay=round(f.confidence, 1))
    return doc
