"""The words of the counter's look-up panel, the new-dossier form and the admin's package import, from the one
message catalog (`people.*` codes of digitize.messages). The page hands them to its script as JSON (people.js,
import.js)."""

from __future__ import annotations

from typing import Any

from digitize.messages import template

KEYS = (
    "new_dossier",
    "new_dossier_hint",
    "open_dossier",
    "new_dossier_empty",
    "lookup_title",
    "lookup_hint",
    "person_id",
    "person_id_read",
    "lookup_reason",
    "lookup",
    "lookup_audited",
    "searching",
    "none_found",
    "found_n",
    "col_id",
    "col_type",
    "col_issued",
    "col_until",
    "col_verdict",
    "col_office",
    "col_use",
    "permanent",
    "state_expired",
    "state_not_yet",
    "not_signed",
    "attach",
    "attached",
    "reused_title",
    "reused_note",
    "reused_by",
    "reused_at",
    "v_signed",
    "v_valid",
    "v_invalid",
    "v_indeterminate",
    "v_reviewed",
    "v_draft",
    "v_unsigned",
    "import_title",
    "import_hint",
    "import_file",
    "import_send",
    "importing",
    "import_done",
    "import_already",
    "choose_package",
    "no_package",
    "unnamed_org",
    "imports_done",
    "col_package",
    "col_when",
    "col_who",
    "col_counts",
    "no_imports",
)


def words(lang: str) -> dict[str, Any]:
    """Every word of the panels in the page's language."""
    out: dict[str, Any] = {k: template("people." + k, lang) for k in KEYS}
    return out
