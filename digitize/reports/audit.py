"""The audit report of `digitize verify` (HTML, Vietnamese by default, English with lang="en"): counts, then one
section per dossier and document (or per file outside a store) with each signature's signer, CA chain as names
(and how sure we are of each certificate), time-stamp, the policy applied and every finding, rendered from the
message catalog in the report's language; times in Asia/Ho_Chi_Minh with the zone."""
from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from digitize.messages import CATALOGS, lang_of, template
from digitize.messages.when import show_time
from digitize.reports.html import HtmlReport


def _words(lang: str) -> dict[str, str]:
    """The report's words from the catalog (codes audit.*), placeholders left for the caller."""
    prefix = "audit."
    return {code[len(prefix):]: template(code, lang) for code in CATALOGS["en"] if code.startswith(prefix)}


def audit_report(verdicts: Sequence[Any], subtitle: str = "", lang: str = "vi", records: dict | None = None) -> str:
    """`records` maps a verdict's file to {"dossier", "document"} labels (from the store) when known."""
    # lazy: policy.py loads pyhanko-certvalidator; the CLI imports this module at start-up
    from digitize.verify import policy

    lang = lang_of(lang)
    t = _words(lang)
    counts = Counter(v.verdict.value for v in verdicts)
    rep = HtmlReport(t["title"], subtitle, lang=lang)
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
        file_reasons = [f.text(lang) for f in v.findings if f.is_problem]
        if file_reasons:
            rep.paragraph(f"{t['reasons']}: " + "; ".join(file_reasons))
    return rep.render()


def _signature_rows(s, t, lang: str) -> list[list[Any]]:
    ts = s.timestamp
    stamp = f"{show_time(ts['time'])} ({t['trusted_ts'] if ts['trusted'] else t['untrusted_ts']})" if ts else t["none"]
    chain = " → ".join(_link(c, t) for c in s.chain) or t["none"]
    rows = [[t["verdict"], t[s.verdict.value]], [t["signer"], s.signer or "—"], [t["chain"], chain],
            [t["timestamp"], stamp], [t["claimed"], show_time(s.signing_time) or "—"],
            [t["level"], f"{s.level or '—'} ({s.subfilter or '—'})"], [t["policy"], s.policy or "—"],
            [t["reasons"], [f.text(lang) for f in s.findings if f.is_problem] or t["none"]],
            [t["notes"], [f.text(lang) for f in s.findings if not f.is_problem] or t["none"]]]
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
