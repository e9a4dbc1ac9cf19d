"""A document's page warnings said once per kind with the pages they concern ("ảnh xám: trang 1–28"),
not once per page: read from the page rows (which follow the pages when they are reordered)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupedWarning:
    code: str  # the pipeline's warning code (low_dpi, grayscale, ...)
    pages: tuple[int, ...]  # 1-based, ascending
    of_pages: int  # pages in the document

    @property
    def ranges(self) -> str:
        """`1–28`, `2, 5–7`: the pages as runs."""
        return page_ranges(self.pages)

    @property
    def every_page(self) -> bool:
        return len(self.pages) == self.of_pages and self.of_pages > 1

    def as_json(self) -> dict:
        return {"code": self.code, "pages": list(self.pages), "ranges": self.ranges}


def page_ranges(pages) -> str:
    runs: list[list[int]] = []
    for n in sorted(set(pages)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _from_record(warnings) -> dict[str, list[int]]:
    """`file[:page]: code` strings (records stored without page rows)."""
    out: dict[str, list[int]] = {}
    for text in warnings:
        where, _, code = str(text).rpartition(": ")
        tail = where.rsplit(":", 1)[-1]
        out.setdefault(code, []).append(int(tail) if ":" in where and tail.isdigit() else 1)
    return out


def grouped(page_rows: list[dict], record_warnings=()) -> list[GroupedWarning]:
    """One entry per warning code, in the order first met, with every page it is on."""
    by_code: dict[str, list[int]] = {}
    if page_rows:
        for n, row in enumerate(page_rows, 1):
            for code in row.get("warnings") or ():
                by_code.setdefault(code, []).append(n)
    else:
        by_code = _from_record(record_warnings)
    total = max(len(page_rows), 1)
    return [GroupedWarning(code, tuple(sorted(set(p))), total) for code, p in by_code.items()]
