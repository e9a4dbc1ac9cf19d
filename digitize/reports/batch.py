"""Batch reports: JSON, a CSV of extracted fields (one row per document, UTF-8 with BOM so Excel
shows Vietnamese correctly) and a self-contained HTML page.

Rows are streamed to temporary JSON-lines files as the batch runs and only counters stay in
memory, so a report of 50,000 documents costs no more memory than one of 50.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from digitize.batch.run import DocStatus, DocumentEvent, DossierEvent, DossierStatus, Totals, reason_kind
from digitize.messages import CATALOGS, lang_of, render
from digitize.messages.when import show_date, show_time
from digitize.reports.html import HtmlReport

FIXED_COLUMNS = ["id", "dossier", "source", "status", "reason", "doc_type", "pages", "sha256", "pdf",
                 "valid_until", "needs_review", "qa_sample"]


def report_paths(base: Path) -> dict[str, Path]:
    stem = base.with_suffix("") if base.suffix.lower() in (".json", ".csv", ".html") else base
    return {k: stem.with_name(stem.name + "." + k) for k in ("json", "csv", "html")}


class _Throughput:
    """Pages per time bucket since the start; buckets double in width to stay ≤ 120."""

    def __init__(self, start: float, width: float = 5.0):
        self.start, self.width = start, width
        self.buckets: Counter[int] = Counter()

    def add(self, at: float, pages: int) -> None:
        self.buckets[int((at - self.start) // self.width)] += pages
        if self.buckets and max(self.buckets) >= 120:
            merged: Counter[int] = Counter()
            for k, v in self.buckets.items():
                merged[k // 2] += v
            self.buckets, self.width = merged, self.width * 2

    def series(self) -> dict[str, float]:
        if not self.buckets:
            return {}
        return {f"{int(i * self.width)}–{int((i + 1) * self.width)} s": round(self.buckets.get(i, 0) / self.width, 2)
                for i in range(max(self.buckets) + 1)}


class _Html(HtmlReport):
    def raw(self, fragment: str) -> "_Html":
        self._parts.append(fragment)
        return self


class BatchReport:
    """A batch listener writing the three report files; call close() once the batch ends."""

    def __init__(self, base: Path, source: str, valid_on: str, qa_rate: float = 0.0, lang: str = "vi"):
        self.paths = report_paths(base)
        self.lang = lang_of(lang)  # of the HTML page (the JSON and CSV keep their keys and the pipeline's values)
        self.paths["json"].parent.mkdir(parents=True, exist_ok=True)
        self.source, self.valid_on, self.qa_rate = source, valid_on, qa_rate
        self.started = time.time()
        self._docs_tmp = self.paths["json"].with_name("." + self.paths["json"].name + ".docs.tmp")
        self._dossiers_tmp = self.paths["json"].with_name("." + self.paths["json"].name + ".dossiers.tmp")
        self._docs = self._docs_tmp.open("w", encoding="utf-8")
        self._dossiers = self._dossiers_tmp.open("w", encoding="utf-8")
        self.field_names: set[str] = set()
        self.doc_status: Counter[str] = Counter()
        self.dossier_status: Counter[str] = Counter()
        self.doc_types: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self._reasons_by_part: Counter = Counter()  # (document|dossier, status, kind): the HTML says them in words
        self.review = 0
        self.throughput = _Throughput(self.started)

    # --- listener ------------------------------------------------------------------------------

    def document(self, ev: DocumentEvent) -> None:
        o, rec = ev.outcome, ev.outcome.record
        self.doc_status[ev.status.value] += 1
        row: dict[str, Any] = {"dossier": ev.dossier, "source": o.input.path, "status": ev.status.value,
                               "reason": ev.reason, "qa_sample": ev.qa}
        if rec is not None and ev.status in (DocStatus.STORED, DocStatus.ALREADY_STORED):
            review = [f.name for f in rec.fields if f.needs_review]
            row.update(id=rec.id, doc_type=rec.doc_type, pages=rec.pages, sha256=rec.sha256, pdf=rec.pdf,
                       valid_until=rec.valid_until, needs_review=review, warnings=list(rec.warnings),
                       fields={f.name: f.value for f in rec.fields})
            self.field_names.update(row["fields"])
            self.doc_types[rec.doc_type] += 1
            self.review += 1 if (review or ev.qa) else 0
            if ev.status is DocStatus.STORED:
                self.throughput.add(ev.at or time.time(), rec.pages)
        else:
            self._count_reason("document", ev.status.value, ev.reason)
        self._docs.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")

    def dossier(self, ev: DossierEvent) -> None:
        label = ev.status.value + (" (earlier run)" if ev.earlier else "")
        self.dossier_status[label] += 1
        if ev.status is not DossierStatus.DONE:
            self._count_reason("dossier", ev.status.value, ev.reason)
        self._dossiers.write(json.dumps({"row": ev.row, "dossier": ev.code, "status": ev.status.value,
                                         "reason": ev.reason, "documents": ev.documents, "earlier": ev.earlier},
                                        ensure_ascii=False) + "\n")

    def _count_reason(self, what: str, status: str, reason: str) -> None:
        kind = reason_kind(_after_where(reason))
        self.reasons[f"{what} {status}: {kind}"] += 1  # the JSON summary's key, as before
        self._reasons_by_part[(what, status, kind)] += 1

    # --- output --------------------------------------------------------------------------------

    def summary(self, totals: Totals | None) -> dict[str, Any]:
        seconds = totals.seconds if totals else time.time() - self.started
        pages = totals.pages if totals else 0
        return {
            "source": self.source, "valid_on": self.valid_on, "qa_rate": self.qa_rate,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.started)),
            "seconds": round(seconds, 2), "pages": pages,
            "pages_per_second": round(pages / seconds, 3) if seconds > 0 else None,
            "dossiers": dict(self.dossier_status), "documents": dict(self.doc_status),
            "doc_types": dict(self.doc_types), "reasons": dict(self.reasons), "needs_review": self.review,
            "throughput_pages_per_second": self.throughput.series(),
        }

    def close(self, totals: Totals | None = None) -> dict[str, Path]:
        self._docs.close()
        self._dossiers.close()
        summary = self.summary(totals)
        try:
            self._write_json(summary)
            self._write_csv()
            self._write_html(summary)
        finally:
            self._docs_tmp.unlink(missing_ok=True)
            self._dossiers_tmp.unlink(missing_ok=True)
        return self.paths

    def _lines(self, path: Path):
        with path.open(encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)

    def _write_json(self, summary: dict[str, Any]) -> None:
        with self.paths["json"].open("w", encoding="utf-8") as out:
            out.write('{"summary": ' + json.dumps(summary, ensure_ascii=False))
            for key, tmp in (("dossiers", self._dossiers_tmp), ("documents", self._docs_tmp)):
                out.write(f', "{key}": [')
                with tmp.open(encoding="utf-8") as f:
                    for i, line in enumerate(f):
                        out.write(("," if i else "") + "\n" + line.rstrip("\n"))
                out.write("\n]")
            out.write("}\n")

    def _write_csv(self) -> None:
        names = sorted(self.field_names)
        with self.paths["csv"].open("w", encoding="utf-8-sig", newline="") as out:
            w = csv.writer(out)
            w.writerow(FIXED_COLUMNS + names)
            for row in self._lines(self._docs_tmp):
                fields = row.get("fields") or {}
                fixed = [row.get(c) for c in FIXED_COLUMNS]
                fixed[FIXED_COLUMNS.index("needs_review")] = ";".join(row.get("needs_review") or [])
                w.writerow(["" if v is None else v for v in fixed] + [_csv_value(fields.get(n)) for n in names])

    def _t(self, code: str, **params: Any) -> str:
        return render("batch." + code, params, self.lang)

    def _status(self, status: str) -> str:
        earlier = status.endswith(" (earlier run)")
        word = self._t("st_" + status.removesuffix(" (earlier run)").replace(" ", "_"))
        return f"{word} ({self._t('earlier')})" if earlier else word

    def _statuses(self, counts: Counter) -> dict[str, int]:
        return {self._status(k): v for k, v in counts.items()}

    def _reason_words(self) -> dict[str, int]:
        """`dossier skipped: expired` in the report's language (a reason kind without a code stays as it came)."""
        out: dict[str, int] = {}
        for (what, status, kind), n in self._reasons_by_part.most_common(20):
            code = "kind_" + kind.replace(" ", "_")
            words = self._t(code) if "batch." + code in CATALOGS["en"] else kind
            out[f"{self._t('item_' + what)} {self._status(status)}: {words}"] = n
        return out

    def _write_html(self, summary: dict[str, Any]) -> None:
        t = self._t
        started = show_time(dt.datetime.fromtimestamp(self.started, dt.timezone.utc))
        rep = _Html(t("title"), t("subtitle", source=self.source, valid_on=show_date(self.valid_on), started=started),
                    lang=self.lang)
        rep.counts({t("pages"): summary["pages"], t("pages_per_second"): summary["pages_per_second"] or 0,
                    t("seconds"): summary["seconds"], t("needs_review"): self.review})
        dossiers, documents = self._statuses(self.dossier_status), self._statuses(self.doc_status)
        rep.heading(t("dossiers_by_status")).counts(dossiers).bar_chart(dossiers)
        rep.heading(t("documents_by_status")).counts(documents).bar_chart(documents)
        if self.doc_types:
            rep.heading(t("documents_by_type")).bar_chart(dict(self.doc_types.most_common()))
        if self.reasons:
            rep.heading(t("by_reason")).bar_chart(self._reason_words())
        if summary["throughput_pages_per_second"]:
            rep.heading(t("throughput")).bar_chart(summary["throughput_pages_per_second"])
        rep.heading(t("to_review"))
        rows = []
        for row in self._lines(self._docs_tmp):
            if row.get("needs_review") or row.get("qa_sample"):
                why = ", ".join(row.get("needs_review") or []) + (f" · {t('qa_sample')}" if row.get("qa_sample") else "")
                rows.append(f"<tr><td>{_e(row['dossier'])}</td><td>{_link(row.get('pdf'), row.get('id'))}</td>"
                            f"<td>{_e(row.get('doc_type'))}</td><td>{_link(row['source'], Path(row['source']).name)}</td>"
                            f"<td>{_e(why.strip(' ·'))}</td></tr>")
        head = "".join(f"<th>{_e(t(k))}</th>" for k in ("col_dossier", "col_pdf", "col_type", "col_source", "col_why"))
        rep.raw(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>" if rows
                else f'<p class="note">{_e(t("none"))}</p>')
        problems = [d for d in self._lines(self._dossiers_tmp) if d["status"] != "done"]
        if problems:
            rep.heading(t("problems"))
            rep.table([t("col_row"), t("col_dossier"), t("col_status"), t("col_reason")],
                      [[d["row"] or "", d["dossier"], self._status(d["status"]), d["reason"]] for d in problems])
        self.paths["html"].write_text(rep.render(), encoding="utf-8")


def _after_where(reason: str) -> str:
    """'/path/x.jpg: not an image' -> 'not an image'; keeps reasons that have no path prefix."""
    head, sep, tail = reason.partition(": ")
    return tail if sep and ("/" in head or head.startswith("row ")) else reason


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _link(path: str | None, text: Any) -> str:
    if not path:
        return _e(text)
    return f'<a href="{_e(Path(path).as_uri())}">{_e(text)}</a>'
