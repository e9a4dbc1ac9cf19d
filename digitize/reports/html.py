"""Self-contained HTML reports: a title, summary counts, tables and inline-SVG bar charts. No external assets
(no scripts, fonts, stylesheets or images fetched), so a report can be archived next to the data it describes."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

CSS = """body{font-family:'Liberation Serif','Times New Roman',serif;margin:2em;color:#111}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#eee}
.counts span{display:inline-block;margin-right:1.5em;padding:.3em .6em;border:1px solid #bbb}
.valid{color:#11691b}.invalid{color:#a40e0e}.indeterminate{color:#8a5a00}.note{color:#555;font-size:.85em}"""


@dataclass
class HtmlReport:
    title: str
    subtitle: str = ""
    lang: str = "vi"
    _parts: list[str] = field(default_factory=list)

    def counts(self, items: Mapping[str, int | float | str]) -> "HtmlReport":
        spans = "".join(f'<span class="{_cls(k)}"><b>{_e(v)}</b> {_e(k)}</span>' for k, v in items.items())
        self._parts.append(f'<p class="counts">{spans}</p>')
        return self

    def heading(self, text: str) -> "HtmlReport":
        self._parts.append(f"<h2>{_e(text)}</h2>")
        return self

    def paragraph(self, text: str, css: str = "") -> "HtmlReport":
        self._parts.append(f'<p class="{_e(css)}">{_e(text)}</p>')
        return self

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]], class_column: int | None = None) -> "HtmlReport":
        """Rows of plain values (escaped); `class_column` colours a row's cell by its value (valid/invalid/...)."""
        head = "".join(f"<th>{_e(h)}</th>" for h in headers)
        body = []
        for row in rows:
            cells = []
            for i, value in enumerate(row):
                css = f' class="{_cls(value)}"' if i == class_column else ""
                cells.append(f"<td{css}>{_e(_fmt(value))}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        self._parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
        return self

    def bar_chart(self, data: Mapping[str, float], unit: str = "", width: int = 520, bar_h: int = 18) -> "HtmlReport":
        """Horizontal bars, one per label, scaled to the largest value; drawn as inline SVG."""
        if not data:
            return self
        top = max(max(data.values()), 1e-9)
        label_w, pad = 180, 4
        height = len(data) * (bar_h + pad) + pad
        bars = []
        for i, (label, value) in enumerate(data.items()):
            y = pad + i * (bar_h + pad)
            w = max(1, int((width - label_w - 90) * value / top))
            bars.append(
                f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end" font-size="12">{_e(label)}</text>'
                f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#4a6fa5"/>'
                f'<text x="{label_w + w + 4}" y="{y + bar_h - 5}" font-size="12">{_e(_fmt(value))}{_e(unit)}</text>')
        self._parts.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                           f'role="img">{"".join(bars)}</svg>')
        return self

    def render(self) -> str:
        sub = f'<p class="note">{_e(self.subtitle)}</p>' if self.subtitle else ""
        return (f'<!DOCTYPE html>\n<html lang="{_e(self.lang)}"><head><meta charset="utf-8"><title>{_e(self.title)}</title>'
                f"<style>{CSS}</style></head><body><h1>{_e(self.title)}</h1>{sub}{''.join(self._parts)}</body></html>\n")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


VERDICT_CLASSES = {"valid": "valid", "invalid": "invalid", "indeterminate": "indeterminate",
                   "hợp lệ": "valid", "không hợp lệ": "invalid", "chưa xác định": "indeterminate"}


def _cls(value: Any) -> str:
    return VERDICT_CLASSES.get(str(value).lower(), "")


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)
