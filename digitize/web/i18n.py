"""The station's words, from the one message catalog (digitize.messages): Vietnamese by default, English on
request (`?lang=en`, kept in a cookie). Reasons, warnings, statuses and errors arrive as codes with parameters and
are rendered here; nothing is translated from English sentences."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from digitize import messages
from digitize.messages import Message, render, template
from digitize.messages import when as _when

LANGS = messages.LANGS
show_date = _when.show_date
show_time = _when.show_time

# names of fields found without a printed label (issuer, number, date, signer...) and common ones
FIELD_NAMES = {
    "co_quan_ban_hanh": "Cơ quan ban hành", "so_van_ban": "Số văn bản", "ngay_ban_hanh": "Ngày ban hành",
    "tieu_de": "Tiêu đề", "nguoi_ky": "Người ký", "ho_ten": "Họ và tên", "ngay_sinh": "Ngày sinh",
    "so_dinh_danh": "Số định danh cá nhân", "noi_cu_tru": "Nơi cư trú", "ma_ho_so": "Mã hồ sơ",
    "ghi_chu": "Ghi chú", "dia_danh": "Địa danh", "loai_van_ban": "Loại văn bản", "trich_yeu": "Trích yếu",
    "ve_viec": "Về việc", "noi_nhan": "Nơi nhận", "chuc_vu_nguoi_ky": "Chức vụ người ký",
    "quyen_han_ky": "Quyền hạn ký", "co_quan_chu_quan": "Cơ quan chủ quản", "noi_ban_hanh": "Nơi ban hành",
}


def field_label(name: str, profile, printed: str = "") -> str:
    """How a field is named on the page, with its tone marks: the profile's label, else the label printed on the
    paper, else the lexicon's (or a known) Vietnamese name; the internal name only when nothing else is known."""
    spec = profile.field(name) if profile is not None else None
    if spec is not None and spec.labels:
        return spec.labels[0]
    if printed.strip(" :"):
        return printed.strip(" :")
    base, _, n = name.rpartition("_")
    if base and n.isdigit():  # ho_ten_2: the second person's
        return f"{field_label(base, profile)} ({n})"
    known = FIELD_NAMES.get(name) or _lexicon_label(name)
    return known or name.replace("_", " ").capitalize()


def _lexicon_label(name: str) -> str | None:
    from digitize.stages.extract.lexicon import LEXICON  # the label lexicon: names -> printed spellings

    entry = LEXICON.get(name)
    return entry[1][0] if entry else None


def lang_of(value: str | None) -> str:
    return messages.lang_of(value)


def t(key: str, lang: str) -> str:
    """A word of the page (`ui.*`; `st_*` are the statuses): the template, placeholders left for the caller."""
    return template("status." + key[3:] if key.startswith("st_") else "ui." + key, lang)


def action(kind: str, lang: str) -> str:
    return render("action." + kind, {}, lang) if "action." + kind in messages.en.MESSAGES else kind


def error(code: str, lang: str) -> str:
    return render("error." + code, {}, lang)


def error_codes() -> list[str]:
    return [c[len("error."):] for c in messages.en.MESSAGES if c.startswith("error.")]


def warning(text: str, lang: str) -> str:
    """`file[:page]: low_dpi` -> `Trang 1: dưới 200 dpi`."""
    where, _, code = text.rpartition(": ")
    page = where.rsplit(":", 1)[1] if ":" in where and where.rsplit(":", 1)[1].isdigit() else "1"
    return f"{t('page', lang)} {page}: {render('warning.' + code, {}, lang)}"


def grouped_warning(g, lang: str) -> str:
    """One warning kind with its pages: `ảnh xám, quy định yêu cầu ảnh màu: trang 1–28`."""
    return f"{render('warning.' + g.code, {}, lang)}: {t('page', lang).lower()} {g.ranges}"


def message(m: Message | Mapping[str, Any] | None, lang: str) -> str:
    if m is None:
        return ""
    return (m if isinstance(m, Message) else Message.from_json(m)).text(lang)


def reasons(f: Any, lang: str) -> str:
    """Why a field needs a look, in `lang`: from a Field or its JSON (`reasons`, else a stored sentence)."""
    if isinstance(f, Mapping):
        items: Iterable[Message] = messages.from_dicts(f.get("reasons"), f.get("reason"))
    else:
        items = f.reasons
    return messages.render_all(items, lang)


def failure(code: str, lang: str, detail: Message | Mapping[str, Any] | None = None, reason: str = "") -> str:
    """An error for the page: the catalog's sentence for `code`, then what exactly went wrong when it has a code
    (an English detail without one is added to English pages only)."""
    text = error(code, lang)
    if detail is not None:
        said = message(detail, lang)
        return f"{text} {said[:1].upper()}{said[1:]}"
    return f"{text} {reason}" if reason and lang == "en" else text
