"""One message catalog per language: every reason, warning, status and error the project shows is a code with
named parameters (`Message`), rendered in the reader's language from `en.py` or `vi.py` by `render`.

To add a message: pick a code in its family (`reason.`, `warning.`, `status.`, `error.`, `input.`, `finding.`,
`ui.`), add the same code to both catalogs with the same `{placeholders}`, and build it where it arises with
`msg("reason.my_code", name=value)`. A parameter may itself be a Message (rendered in the same language); dates
(and ISO date strings) are shown dd/mm/yyyy in Vietnamese.
This package imports nothing else of digitize, so every layer may use it."""
from __future__ import annotations

import datetime as dt
import json
import string
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from digitize.messages import en, vi
from digitize.messages import when as _when

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
CATALOGS: dict[str, dict[str, str]] = {"vi": vi.MESSAGES, "en": en.MESSAGES}
LEGACY = "text"  # a sentence stored before messages had codes: shown as it was written


@dataclass(frozen=True)
class Message:
    """A code of the catalog and its parameters; `str()` is the English text (logs, CLI, JSON `reason`)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.code, self.params, "en")

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted((k, repr(v)) for k, v in self.params.items()))))

    def text(self, lang: str) -> str:
        return render(self.code, self.params, lang)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: _plain(v) for k, v in self.params.items()}}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> "Message":
        params = {k: Message.from_json(v) if isinstance(v, dict) and "code" in v else v
                  for k, v in (data.get("params") or {}).items()}
        return Message(str(data["code"]), params)


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return value.as_json()
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def msg(code: str, /, **params: Any) -> Message:
    return Message(code, params)


def lang_of(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def template(code: str, lang: str) -> str:
    """The raw template (placeholders unfilled): for the page's script, which fills them itself."""
    catalog = CATALOGS[lang_of(lang)]
    return catalog.get(code) or en.MESSAGES.get(code) or code


class _Params(dict):
    def __init__(self, params: Mapping[str, Any], lang: str):
        super().__init__(params)
        self.lang = lang

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if isinstance(value, Message):
            return value.text(self.lang)
        if self.lang == "vi" and isinstance(value, (dt.date, str)):
            return _when.show_date(value.isoformat() if isinstance(value, dt.date) else value)
        return value.isoformat() if isinstance(value, dt.date) else value

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(code: str, params: Mapping[str, Any] | None = None, lang: str = DEFAULT_LANG) -> str:
    """The text of one message. An unknown code renders as itself (and the catalog test fails on it)."""
    try:
        return string.Formatter().vformat(template(code, lang), (), _Params(params or {}, lang_of(lang)))
    except (ValueError, TypeError, IndexError):  # a parameter of the wrong type for its format: show it plain
        return template(code, lang)


def render_all(messages: Iterable[Message], lang: str, sep: str = "; ") -> str:
    return sep.join(m.text(lang) for m in messages)


def placeholders(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def encode(messages: Iterable[Message]) -> str:
    """Messages as one text column of a catalog ('' when none)."""
    items = [m.as_json() for m in messages]
    return json.dumps(items, ensure_ascii=False) if items else ""


def decode(text: str | None) -> tuple[Message, ...]:
    """What `encode` wrote; a sentence stored before codes (`a; b`) becomes LEGACY messages."""
    if not text:
        return ()
    if text.startswith("[{"):
        try:
            return tuple(Message.from_json(d) for d in json.loads(text))
        except (ValueError, KeyError, TypeError):
            pass
    return tuple(Message(LEGACY, {"text": part}) for part in text.split("; ") if part)


def from_dicts(items: Iterable[Mapping[str, Any]] | None, legacy: str | None = None) -> tuple[Message, ...]:
    """Messages of a JSON document (`[{code, params}]`), else the legacy sentence."""
    if items:
        return tuple(Message.from_json(d) for d in items)
    return decode(legacy)
