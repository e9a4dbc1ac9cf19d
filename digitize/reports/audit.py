"""The audit report of `digitize verify` (HTML, Vietnamese by default, English with lang="en"): counts, then one
section per dossier and document (or per file outside a store) with each signature's signer, CA chain as names
(and how sure we are of each certificate), time-stamp, the policy applied and every reason in plain words."""
from __future__ import annotations

import re
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


# The reasons `verify` gives, in Vietnamese for the default report (a reason without a pattern stays in English).
VI_REASONS = [
    (r"untrusted: no trust root given \((\w+)\)", r"không tin cậy: chưa có chứng thư gốc tin cậy (\1)"),
    (r"untrusted: issuer certificate '(.+)' is neither in the file nor among the trust roots \((\w+)\)",
     r"không tin cậy: chứng thư của nơi cấp '\1' không có trong tệp, cũng không có trong kho tin cậy (\2)"),
    (r"untrusted: self-signed certificate '(.+)' is not a given trust root \((\w+)\)",
     r"không tin cậy: chứng thư tự ký '\1' không phải chứng thư gốc tin cậy (\2)"),
    (r"untrusted: no valid chain to a trust root \((\w+)\)", r"không tin cậy: không có chuỗi hợp lệ tới gốc tin cậy (\1)"),
    (r"untrusted: certificate not valid at the time the time-stamp proves: (.+)",
     r"không tin cậy: chứng thư hết hiệu lực tại thời điểm dấu thời gian chứng minh: \1"),
    (r"revocation status unknown: no revocation data \(OCSP/CRL\)( offline)? for a certificate that names a "
     r"responder \((\w+)\)", r"chưa rõ tình trạng thu hồi: không có dữ liệu thu hồi (OCSP/CRL) cho chứng thư có "
     r"địa chỉ tra cứu (\2)"),
    (r"no proof of existence before (the CA|the signer's certificate) expired: '(.+)' expired on ([\d-]+) and no "
     r"time-stamp proves the signature (?:is older|was made while it was valid) \((\w+)\)",
     r"không có bằng chứng chữ ký tồn tại trước khi chứng thư hết hạn: '\2' hết hạn ngày \3 và không có dấu thời "
     r"gian chứng minh chữ ký được tạo trước đó (\4)"),
    (r"refused by the archival policy ([\w-]+): (.+)", r"bị từ chối theo chính sách lưu trữ \1: \2"),
    (r"signature present but not verifiable: its byte range no longer ends at the end of the file \((.+)\): the "
     r"file was changed or rewritten after signing", r"có chữ ký nhưng không kiểm tra được: vùng byte đã ký không còn "
     r"khớp với tệp (\1): tệp đã bị thay đổi hoặc ghi lại sau khi ký"),
    (r"signature present but not verifiable: it is not attached to any signature field \((.+)\).*",
     r"có chữ ký nhưng không kiểm tra được: chữ ký không gắn với trường chữ ký nào (\1)"),
    (r"cannot be validated: (legacy|unknown) SubFilter (\S+) .*", r"không kiểm tra được: định dạng chữ ký \2 (\1) "
     r"không được PAdES chấp nhận"),
    (r"cannot be validated: the signature data \(CMS\) does not parse \((\w+)\)",
     r"không kiểm tra được: dữ liệu chữ ký (CMS) không đọc được (\1)"),
    (r"not intact: the signed bytes were changed", r"không toàn vẹn: nội dung đã ký bị thay đổi"),
    (r"cryptographic signature invalid", r"chữ ký mật mã không hợp lệ"),
    (r"modified after signing \((.+)\)", r"bị sửa đổi sau khi ký (\1)"),
    (r"signature timestamp invalid", r"dấu thời gian của chữ ký không hợp lệ"),
    (r"SHA-1 accepted: proven at ([\d-]+), before the SHA-1 sunset ([\d-]+)",
     r"SHA-1 được chấp nhận: dấu thời gian chứng minh ngày \1, trước hạn chót SHA-1 \2"),
    (r"(SHA-1|RSA-\d+|MD\d) signature on certificate '(.+)' accepted: it is pinned by its SHA-256 fingerprint in the "
     r"trust store", r"chữ ký \1 trên chứng thư '\2' được chấp nhận: chứng thư này được ghim bằng vân tay SHA-256 "
     r"trong kho tin cậy"),
    (r"(SHA-1|RSA-\d+) signature on certificate '(.+)' accepted: proven at ([\d-]+), before the sunset ([\d-]+)",
     r"chữ ký \1 trên chứng thư '\2' được chấp nhận: dấu thời gian chứng minh ngày \3, trước hạn chót \4"),
    (r"claimed signing time (\S+) is about 7 hours after the time-stamp (\S+): Vietnam local time \(UTC\+7\) labelled "
     r"UTC; the time-stamp counts", r"thời điểm ký tự khai \1 muộn hơn dấu thời gian \2 khoảng 7 giờ: giờ Việt Nam "
     r"(UTC+7) bị ghi là UTC; căn cứ là dấu thời gian"),
    (r"claimed signing time (\S+) differs from the time-stamp (\S+) by (-?\d+) minutes \(tolerance (\d+)\); the "
     r"time-stamp counts", r"thời điểm ký tự khai \1 lệch dấu thời gian \2 \3 phút (cho phép \4); căn cứ là dấu "
     r"thời gian"),
    (r"relies on '(.+)' \((\w+), ([\w-]+) trust store\), an UNCONFIRMED certificate: its fingerprint (\S+) was "
     r"seen in one public source only", r"dựa vào '\1' (\2, kho tin cậy \3), chứng thư CHƯA XÁC NHẬN: vân tay "
     r"\4 mới thấy ở một nguồn công khai"),
]


def in_words(text: str, lang: str) -> str:
    if lang == "en":
        return text
    for pattern, vi in VI_REASONS:
        if re.fullmatch(pattern, text):
            return re.sub(pattern, vi, text)
    return text


def audit_report(verdicts: Sequence[Any], subtitle: str = "", lang: str = "vi", records: dict | None = None) -> str:
    """`records` maps a verdict's file to {"dossier", "document"} labels (from the store) when known."""
    # lazy: policy.py loads pyhanko-certvalidator; the CLI imports this module at start-up
    from digitize.verify import policy

    t = TEXT["en" if lang == "en" else "vi"]
    counts = Counter(v.verdict.value for v in verdicts)
    rep = HtmlReport(t["title"], subtitle, lang="en" if lang == "en" else "vi")
    rep.counts({t["files"]: len(verdicts), **{t[k]: counts.get(k, 0) for k in ("valid", "indeterminate", "invalid")}})
    p = policy.describe()
    rep.bar_chart({t[k]: counts.get(k, 0) for k in ("valid", "indeterminate", "invalid")})
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
            rep.table([t["kind"], t[s.kind]], _signature_rows(s, t, lang), class_column=1)
        file_reasons = [r for r in v.reasons if not any(r.startswith(f"{s.field}: ") for s in v.signatures)]
        if file_reasons:
            rep.paragraph(f"{t['reasons']}: " + "; ".join(in_words(r, lang) for r in file_reasons))
    return rep.render()


def _signature_rows(s, t, lang: str) -> list[list[Any]]:
    ts = s.timestamp
    stamp = f"{ts['time']} ({t['trusted_ts'] if ts['trusted'] else t['untrusted_ts']})" if ts else t["none"]
    chain = " → ".join(_link(c, t) for c in s.chain) or t["none"]
    rows = [[t["verdict"], t[s.verdict.value]], [t["signer"], s.signer or "—"], [t["chain"], chain],
            [t["timestamp"], stamp], [t["claimed"], s.signing_time or "—"],
            [t["level"], f"{s.level or '—'} ({s.subfilter or '—'})"], [t["policy"], s.policy or "—"],
            [t["reasons"], [in_words(r, lang) for r in s.reasons] or t["none"]],
            [t["notes"], [in_words(n, lang) for n in s.notes] or t["none"]]]
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
