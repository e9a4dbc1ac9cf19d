"""Building blocks shared by the document templates: the Doc being built (layout blocks plus
ground truth), invented persons, the national header and the signer block."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from samples import vocab as V
from samples.layout import Cols, Gap, Line, Para, Rule

TODAY = dt.date(2025, 6, 30)  # fixed "now": outputs must not depend on the clock


@dataclass
class Doc:
    rng: random.Random
    flaw: str | None = None
    blocks: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)
    invalid: list = field(default_factory=list)
    drop: str | None = None
    bad: str | None = None

    def plan(self, droppable: list[str], invalidable: list[str]) -> None:
        if self.flaw == "missing":
            self.drop = self.rng.choice(droppable)
        elif self.flaw == "invalid":
            self.bad = self.rng.choice(invalidable)
            self.invalid.append(self.bad)

    def f(self, name: str, label: str, value, printed: str | None = None, para: bool = False, **kw):
        """A labelled field line; records ground truth (or the omission)."""
        printed = str(value) if printed is None else printed
        if name == self.drop:
            self.missing.append(name)
            kw.pop("hanging_mm", None)
            return Line(label, **kw)
        self.fields[name] = value
        return (Para if para else Line)(f"{label} {printed}", field=name, **kw)

    def multi(self, parts: list[tuple[str, str, object, str]], sep: str = "     ", **kw) -> Line:
        """Several labelled fields printed on one line (e.g. sex / ethnicity / nationality)."""
        texts, names = [], []
        for name, label, value, printed in parts:
            if name == self.drop:
                self.missing.append(name)
                texts.append(label)
            else:
                self.fields[name] = value
                names.append(name)
                texts.append(f"{label} {printed}")
        return Line(sep.join(texts), field=",".join(names) or None, **kw)


@dataclass
class Person:
    name: str
    sex: str
    birth: dt.date
    cccd: str
    address: str
    ethnic: str
    province: tuple


def person(doc: Doc, lo=1950, hi=2004, sex=None, bad_id=False) -> Person:
    rng = doc.rng
    name, sex = V.person(rng, sex)
    birth = V.date_between(rng, dt.date(lo, 1, 1), dt.date(hi, 12, 28))
    prov = V.place(rng)
    return Person(name, sex, birth, V.cccd(rng, prov[2], birth, sex, invalid=bad_id),
                  V.address(rng, prov), rng.choice(V.ETHNIC), prov)


def issuer(doc: Doc, prov, kind: str = "xa") -> tuple[list[str], str, str]:
    """(header lines, co_quan_ban_hanh value, place for the date line)."""
    unit = doc.rng.choice(prov[3])
    if kind == "xa":
        lines = ["ỦY BAN NHÂN DÂN", unit.upper()]
        return lines, " ".join(lines), V.unit_short(unit)
    parent = f"ỦY BAN NHÂN DÂN {prov[0].upper()}"
    return [parent, kind], kind, prov[1]


def header(doc: Doc, lines: list[str], body: str, so: str | None, place: str, date: dt.date) -> None:
    # a parent body on the first line is printed regular, the issuing body bold
    left = [Line(t, "R" if i == 0 and t != "ỦY BAN NHÂN DÂN" else "B", 12.5, "center",
                 field="co_quan_ban_hanh" if t in body else None) for i, t in enumerate(lines)]
    doc.fields["co_quan_ban_hanh"] = body
    right = [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12.5, "center"),
             Line("Độc lập - Tự do - Hạnh phúc", "B", 13.5, "center")]
    doc.fields["ngay_ban_hanh"] = date.isoformat()
    so_line = [Line(f"Số: {so}", "R", 13, "center", field="so_van_ban")] if so else []
    if so:
        doc.fields["so_van_ban"] = so
    # A table of two rows, as Decree 30 lays it out: issuing body | motto, then number | place and
    # date on one baseline; published texts read it row by row, and so does the ground truth.
    date_line = Line(f"{place}, {V.date_line(date)}", "I", 13, "center", field="ngay_ban_hanh")
    doc.blocks.append(Cols(left + [Rule(22)], right + [Rule(62)], split=0.4))
    doc.blocks.append(Cols(so_line, [date_line], split=0.4))
    doc.blocks.append(Gap(6))


def signer(doc: Doc, roles: list[str], name: str, left: list | None = None) -> None:
    doc.fields["nguoi_ky"] = name
    right = [Line(r, "B", 13, "center") for r in roles]
    right += [Gap(24, mark="signature"), Line(name, "B", 13, "center", field="nguoi_ky")]
    doc.blocks.append(Gap(3))
    doc.blocks.append(Cols(left or [], right, split=0.45))


def noi_nhan(extra: str) -> list:
    return [Line("Nơi nhận:", "BI", 12), Line(f"- {extra};", "R", 11), Line("- Lưu: VT.", "R", 11)]


def title(doc: Doc, *lines: str) -> None:
    doc.blocks.append(Line(lines[0], "B", 14.5, "center"))
    for t in lines[1:]:
        doc.blocks.append(Line(t, "B" if t.isupper() else "I", 13, "center"))
    doc.blocks.append(Gap(4))


def nationality_line(doc: Doc, p: Person, dan_toc=True) -> Line:
    parts = [("gioi_tinh", "Giới tính:", p.sex, p.sex)]
    if dan_toc:
        parts.append(("dan_toc", "Dân tộc:", p.ethnic, p.ethnic))
    parts.append(("quoc_tich", "Quốc tịch:", "Việt Nam", "Việt Nam"))
    return doc.multi(parts)
