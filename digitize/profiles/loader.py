"""Document-type profiles: YAML files that say how to recognise a document and which fields to read.

Built-in profiles live in `digitize/profiles/builtin/` (package data); a user adds or overrides one by dropping a file in a
folder given with `--profiles DIR` or DIGITIZE_PROFILES. A broken profile raises ProfileError naming the file,
the line (from YAML node marks) and the key, never a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import yaml

from digitize.errors import InternalError, UsageError
from digitize.settings import profile_dirs

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"

FIELD_TYPES = ("text", "name", "date", "year", "cccd", "cmnd", "id_number", "tax_code", "dossier_code",
               "procedure_code", "document_number", "parcel", "map_sheet", "register_entry", "area",
               "amount", "number", "sex", "ethnicity", "enum", "address", "term", "phone", "email")
# Header parts that every official document has; found by layout, not by a label.
LOCATORS = ("issuer", "number", "issue_date", "title", "signer", "subject",
            "kind", "addressee", "authority", "signer_title", "recipients", "parent", "place")
VALIDATORS = ("not_future", "cccd_matches_dob_sex", "after_issue_date")
VALIDITY_RULES = ("permanent", "expiry_field", "duration", "term_field", "none")


class ProfileError(UsageError):
    """A broken profile file: `<file>:<line>: <key>: <reason>`."""

    def __init__(self, path: str | Path, line: int | None, key: str, reason: str):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(where, f"{key}: {reason}" if key else reason)
        self.path, self.line, self.key = str(path), line, key


@dataclass(frozen=True)
class FieldSpec:
    name: str
    labels: tuple[str, ...] = ()
    type: str = "text"
    required: bool = False
    validators: tuple[str, ...] = ()
    values: tuple[str, ...] = ()  # for enum
    locate: str | None = None  # one of LOCATORS instead of labels
    lines: int = 1  # how many following lines a value may continue on
    occurrence: int = 1  # 1 = first place the label is printed, 2 = second...


@dataclass(frozen=True)
class Keyword:
    text: str
    weight: float = 1.0


@dataclass(frozen=True)
class Validity:
    rule: str = "none"
    field: str | None = None  # expiry_field / term_field: which field holds the date
    start: str | None = None  # duration: field with the start date
    months: int = 0
    text: str = ""  # human description stored with the verdict

    def describe(self) -> str:
        if self.text:
            return self.text
        if self.rule == "duration":
            return f"{self.months} months from {self.start}"
        if self.rule in ("expiry_field", "term_field"):
            return f"until {self.field}"
        return self.rule


@dataclass(frozen=True)
class Profile:
    id: str
    title: str
    titles: tuple[Keyword, ...] = ()
    keywords: tuple[Keyword, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    validity: Validity = Validity()
    threshold: float = 0.3
    generic_pairs: bool = False  # also emit every printed `Label: value` pair
    source: str = ""

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class ProfileSet:
    profiles: dict[str, Profile] = field(default_factory=dict)

    def __getitem__(self, pid: str) -> Profile:
        try:
            return self.profiles[pid]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise UsageError("profile", f"unknown profile {pid!r} (known: {known})") from None

    def __contains__(self, pid: object) -> bool:
        return pid in self.profiles

    def __iter__(self) -> Iterator[Profile]:
        return iter(sorted(self.profiles.values(), key=lambda p: p.id))

    def __len__(self) -> int:
        return len(self.profiles)


# --- parsing YAML nodes with their line numbers ---------------------------------------------------
class _Reader:
    def __init__(self, path: Path):
        self.path = path

    def err(self, node: yaml.Node | None, key: str, reason: str) -> ProfileError:
        line = node.start_mark.line + 1 if node is not None else None
        return ProfileError(self.path, line, key, reason)

    def mapping(self, node: yaml.Node, key: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.err(node, key, "expected a mapping (key: value)")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                raise self.err(k, key, "keys must be plain words")
            if k.value in out:
                raise self.err(k, f"{key}.{k.value}" if key else k.value, "duplicate key")
            out[k.value] = (k, v)
        return out

    def scalar(self, node: yaml.Node, key: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.err(node, key, "expected a single value")
        return str(node.value)

    def seq(self, node: yaml.Node, key: str) -> list[yaml.Node]:
        if isinstance(node, yaml.ScalarNode):
            return [node]
        if not isinstance(node, yaml.SequenceNode):
            raise self.err(node, key, "expected a list")
        return list(node.value)

    def number(self, node: yaml.Node, key: str, lo: float, hi: float) -> float:
        s = self.scalar(node, key)
        try:
            v = float(s)
        except ValueError:
            raise self.err(node, key, f"expected a number, got {s!r}") from None
        if not lo <= v <= hi:
            raise self.err(node, key, f"{v} outside {lo}..{hi}")
        return v

    def boolean(self, node: yaml.Node, key: str) -> bool:
        s = self.scalar(node, key).lower()
        if s in ("true", "yes", "on"):
            return True
        if s in ("false", "no", "off"):
            return False
        raise self.err(node, key, f"expected true or false, got {s!r}")

    def unknown(self, m: dict, allowed: set[str], key: str) -> None:
        for name, (knode, _) in m.items():
            if name not in allowed:
                where = f"{key}.{name}" if key else name
                raise self.err(knode, where, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _keywords(r: _Reader, node: yaml.Node, key: str, default_weight: float) -> tuple[Keyword, ...]:
    out = []
    for i, item in enumerate(r.seq(node, key)):
        k = f"{key}[{i}]"
        if isinstance(item, yaml.MappingNode):
            m = r.mapping(item, k)
            r.unknown(m, {"text", "weight"}, k)
            if "text" not in m:
                raise r.err(item, k, "missing 'text'")
            w = r.number(m["weight"][1], f"{k}.weight", 0, 100) if "weight" in m else default_weight
            out.append(Keyword(r.scalar(m["text"][1], f"{k}.text"), w))
        else:
            out.append(Keyword(r.scalar(item, k), default_weight))
    return tuple(out)


def _field(r: _Reader, node: yaml.Node, key: str) -> FieldSpec:
    m = r.mapping(node, key)
    r.unknown(m, {"name", "labels", "type", "required", "validators", "values", "locate", "lines",
                  "occurrence"}, key)
    if "name" not in m:
        raise r.err(node, key, "missing 'name'")
    name = r.scalar(m["name"][1], f"{key}.name")
    key = f"fields.{name}"
    ftype = r.scalar(m["type"][1], f"{key}.type") if "type" in m else "text"
    if ftype not in FIELD_TYPES:
        raise r.err(m["type"][1], f"{key}.type", f"unknown type {ftype!r} (one of {', '.join(FIELD_TYPES)})")
    labels = tuple(r.scalar(n, f"{key}.labels") for n in r.seq(m["labels"][1], f"{key}.labels")) if "labels" in m else ()
    locate = r.scalar(m["locate"][1], f"{key}.locate") if "locate" in m else None
    if locate is not None and locate not in LOCATORS:
        raise r.err(m["locate"][1], f"{key}.locate", f"unknown locator {locate!r} (one of {', '.join(LOCATORS)})")
    if not labels and locate is None:
        raise r.err(node, key, "needs 'labels' (printed label spellings) or 'locate'")
    validators = tuple(r.scalar(n, f"{key}.validators") for n in r.seq(m["validators"][1], f"{key}.validators")) \
        if "validators" in m else ()
    for i, v in enumerate(validators):
        if v not in VALIDATORS:
            vnode = r.seq(m["validators"][1], key)[i]
            raise r.err(vnode, f"{key}.validators", f"unknown validator {v!r} (one of {', '.join(VALIDATORS)})")
    values = tuple(r.scalar(n, f"{key}.values") for n in r.seq(m["values"][1], f"{key}.values")) if "values" in m else ()
    if ftype == "enum" and not values:
        raise r.err(node, key, "type enum needs 'values'")
    return FieldSpec(
        name=name, labels=labels, type=ftype,
        required=r.boolean(m["required"][1], f"{key}.required") if "required" in m else False,
        validators=validators, values=values, locate=locate,
        lines=int(r.number(m["lines"][1], f"{key}.lines", 1, 10)) if "lines" in m else 1,
        occurrence=int(r.number(m["occurrence"][1], f"{key}.occurrence", 1, 10)) if "occurrence" in m else 1,
    )


def _validity(r: _Reader, node: yaml.Node, fields: dict[str, FieldSpec]) -> Validity:
    key = "validity"
    m = r.mapping(node, key)
    r.unknown(m, {"rule", "field", "start", "months", "text"}, key)
    rule = r.scalar(m["rule"][1], "validity.rule") if "rule" in m else "none"
    if rule not in VALIDITY_RULES:
        raise r.err(m["rule"][1], "validity.rule", f"unknown rule {rule!r} (one of {', '.join(VALIDITY_RULES)})")
    v = Validity(
        rule=rule,
        field=r.scalar(m["field"][1], "validity.field") if "field" in m else None,
        start=r.scalar(m["start"][1], "validity.start") if "start" in m else None,
        months=int(r.number(m["months"][1], "validity.months", 0, 1200)) if "months" in m else 0,
        text=r.scalar(m["text"][1], "validity.text") if "text" in m else "",
    )
    if rule in ("expiry_field", "term_field") and v.field not in fields:
        raise r.err(node, "validity.field", f"rule {rule} needs 'field' naming one of this profile's fields")
    if rule == "duration" and (v.start not in fields or v.months <= 0):
        raise r.err(node, "validity.start", "rule duration needs 'start' (a date field) and 'months' > 0")
    return v


def parse_profile(path: Path) -> Profile:
    r = _Reader(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ProfileError(path, None, "", f"cannot read: {e.__class__.__name__}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise ProfileError(path, line, "", f"not valid YAML: {e.problem}") from None
    if root is None:
        raise ProfileError(path, None, "", "empty file")
    m = r.mapping(root, "")
    r.unknown(m, {"id", "title", "match", "fields", "validity", "generic_pairs"}, "")
    for req in ("id", "title", "fields"):
        if req not in m:
            raise r.err(root, req, "missing")
    pid = r.scalar(m["id"][1], "id")
    if not pid.replace("_", "").isalnum() or not pid.islower():
        raise r.err(m["id"][1], "id", f"{pid!r} must be lower_snake_case")
    titles: tuple[Keyword, ...] = ()
    keywords: tuple[Keyword, ...] = ()
    threshold = 0.3
    if "match" in m:
        mm = r.mapping(m["match"][1], "match")
        r.unknown(mm, {"titles", "keywords", "threshold"}, "match")
        if "titles" in mm:
            titles = _keywords(r, mm["titles"][1], "match.titles", 3.0)
        if "keywords" in mm:
            keywords = _keywords(r, mm["keywords"][1], "match.keywords", 1.0)
        if "threshold" in mm:
            threshold = r.number(mm["threshold"][1], "match.threshold", 0, 1)
    fields: dict[str, FieldSpec] = {}
    for i, fnode in enumerate(r.seq(m["fields"][1], "fields")):
        f = _field(r, fnode, f"fields[{i}]")
        if f.name in fields:
            raise r.err(fnode, f"fields.{f.name}", "duplicate field name")
        fields[f.name] = f
    validity = _validity(r, m["validity"][1], fields) if "validity" in m else Validity()
    return Profile(
        id=pid, title=r.scalar(m["title"][1], "title"), titles=titles, keywords=keywords,
        fields=tuple(fields.values()), validity=validity, threshold=threshold,
        generic_pairs=r.boolean(m["generic_pairs"][1], "generic_pairs") if "generic_pairs" in m else False,
        source=str(path),
    )


def _files(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted(list(p.glob("*.yaml")) + list(p.glob("*.yml")))
        elif p.exists():
            out.append(p)
        else:
            raise UsageError(str(p), "profiles folder or file not found")
    return out


def user_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    """Folders named on the command line, else in DIGITIZE_PROFILES (os.pathsep-separated)."""
    return profile_dirs(extra)


def load_profiles(extra_dirs: Sequence[Path] = ()) -> ProfileSet:
    """Built-in profiles, then the user's (a user file with the same id overrides the built-in one)."""
    profiles: dict[str, Profile] = {}
    for path in _files([BUILTIN_DIR]) + _files(list(extra_dirs)):
        p = parse_profile(path)
        profiles[p.id] = p
    if "generic" not in profiles:
        raise InternalError(str(BUILTIN_DIR), "the built-in 'generic' profile is missing")
    return ProfileSet(profiles)


def check_profiles(paths: Sequence[Path]) -> list[ProfileError]:
    """Every problem found in the given files/folders (one per file: parsing stops at the first)."""
    problems: list[ProfileError] = []
    for path in _files(paths):
        try:
            parse_profile(path)
        except ProfileError as e:
            problems.append(e)
    return problems
