"""The audit report of `digitize verify` (HTML, Vietnamese by default, English with lang="en"): counts, then one
section per dossier and document (or per file outside a store) with each signature's signer, CA chain as names
(and how sure we are of each certificate), time-stamp, the policy applied and every reason in plain words."""
from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from digitize.reports.html import HtmlReport

TEXT = {
    "vi": {
        "title": "Báo cáo kiểm tra chữ ký số", "files": "tệp", "valid": "hợp lệ", "invalid": "không hợp lệ",
        "indeterminate": "chưa xác định", "dossier": "Hồ sơ", "document": "Tài liệu", "file": "Tệp",
        "verdict": "Kết luận", "signer": "Người ký", "chain": "Chuỗi chứng thư (từ người ký lên gốc)",
        "timestamp": "Dấu thời gian", "claimed": "Thời điểm ký tự khai", "policy": "Chính sách kiểm tra",
        "reasons": "Lý do", "notes": "Cảnh báo và ghi chú", "none": "không có", "no_signature": "không có chữ ký",
        "pdfa": "PDF/A", "store": "Kho lưu trữ", "store_ok": "khớp với bản ghi", "store_bad": "KHÔNG khớp",
        "unconfirmed": "CHƯA XÁC NHẬN (chỉ thấy ở một nguồn công khai)", "confirmed": "đã xác nhận ở hai nguồn",
        "given": "do người kiểm tra cung cấp", "outside": "không có trong kho tin cậy", "signature": "Chữ ký",
        "document_timestamp": "Dấu thời gian tài liệu", "level": "Mức", "kind": "Loại",
        "trusted_ts": "tin cậy", "untrusted_ts": "không tin cậy", "sunset": "SHA-1 được chấp nhận nếu dấu thời gian "
        "chứng minh trước {sha1}; RSA-1024 trước {rsa}; lệch giờ ký cho phép {tol} phút",
    },
    "en": {
        "title": "Digital signature audit report", "files": "files", "valid": "valid", "invalid": "invalid",
        "indeterminate": "indeterminate", "dossier": "Dossier", "document": "Document", "file": "File",
        "verdict": "Verdict", "signer": "Signer", "chain": "Certificate chain (signer up to the root)",
        "timestamp": "Time-stamp", "claimed": "Claimed signing time", "policy": "Validation policy",
        "reasons": "Reasons", "notes": "Warnings and notes", "none": "none", "no_signature": "no signature",
        "pdfa": "PDF/A", "store": "Store", "store_ok": "matches its record", "store_bad": "does NOT match",
        "unconfirmed": "UNCONFIRMED (seen in one public source only)", "confirmed": "confirmed in two sources",
        "given": "given by the auditor", "outside": "not in the trust store", "signature": "Signature",
        "document_timestamp": "Document time-stamp", "level": "Level", "kind": "Kind",
        "trusted_ts": "trusted", "untrusted_ts": "not trusted", "sunset": "SHA-1 accepted when a time-stamp proves "
        "a time before {sha1}; RSA-1024 before {rsa}; claimed-time tolerance {tol} minutes",
    },
}


def audit_report(verdicts: Sequence[Any], subtitle: str = "", lang: str = "vi", records: dict | None = None) -> str:
    """`records` maps a verdict's file to {"dossier", "document"} labels (from the store) when known."""
    from digitize.verify import policy

    t = TEXT["en" if lang == "en" else "vi"]
    counts = Counter(v.verdict.value for v in verdicts)
    rep = HtmlReport(t["title"], subtitle, lang="en" if lang == "en" else "vi")
    rep.counts({t["files"]: len(verdicts), **{t[k]: counts.get(k, 0) for k in ("valid", "indeterminate", "invalid")}})
    p = policy.describe()
    rep.paragraph(f"{t['policy']}: {p['name']} — " + t["sunset"].format(
        sha1=p["sha1_sunset"], rsa=p["rsa1024_sunset"], tol=p["claimed_time_tolerance_minutes"]), "note")
    for v in sorted(verdicts, key=lambda v: _labels(v, records)):
        dossier, document = _labels(v, records)
        rep.heading(f"{t['dossier']} {dossier} — {t['document']} {document}" if dossier else f"{t['file']} {v.file}")
        rows = [[t["file"], v.file]]
        if v.pdfa.claimed:
            rows.append([t["pdfa"], f"{v.pdfa.claimed} " + ("ok" if v.pdfa.ok else "; ".join(v.pdfa.problems))])
        if v.store.known is not None:
            rows.append([t["store"], t["store_ok"] if v.store.sha256_match else t["store_bad"]])
        if not v.signatures:
            rows.append([t["signature"], t["no_signature"]])
        rep.table([t["verdict"], t[v.verdict.value]], rows)
        for s in v.signatures:
            rep.table([t["kind"], t[s.kind]], _signature_rows(s, t), class_column=1)
        file_reasons = [r for r in v.reasons if not any(r.startswith(f"{s.field}: ") for s in v.signatures)]
        if file_reasons:
            rep.paragraph(f"{t['reasons']}: " + "; ".join(file_reasons))
    return rep.render()


def _signature_rows(s, t) -> list[list[Any]]:
    ts = s.timestamp
    stamp = f"{ts['time']} ({t['trusted_ts'] if ts['trusted'] else t['untrusted_ts']})" if ts else t["none"]
    chain = " → ".join(_link(c, t) for c in s.chain) or t["none"]
    rows = [[t["verdict"], t[s.verdict.value]], [t["signer"], s.signer or "—"], [t["chain"], chain],
            [t["timestamp"], stamp], [t["claimed"], s.signing_time or "—"],
            [t["level"], f"{s.level or '—'} ({s.subfilter or '—'})"], [t["policy"], s.policy or "—"],
            [t["reasons"], list(s.reasons) or t["none"]], [t["notes"], list(s.notes) or t["none"]]]
    return rows


def _link(c: dict, t) -> str:
    if c.get("trust_store") is None:
        how = t["outside"]
    elif c.get("trust_store") == "given":
        how = t["given"]
    else:
        how = t["confirmed"] if c.get("confirmed") else t["unconfirmed"] if c.get("confirmed") is False else \
            c["trust_store"]
    return f"{c['name']} [{how}]"


def _labels(v, records) -> tuple[str, str]:
    rec = (records or {}).get(v.file)
    if not rec:
        return "", ""
    return str(rec.get("dossier") or ""), str(rec.get("document") or "")
