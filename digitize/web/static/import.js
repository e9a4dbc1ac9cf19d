// The admin page's package import: a ZIP is sent to POST /api/imports; the answer says what was taken
// in, that the package was already there, or why it was refused (nothing of it landed). The list of
// packages taken in so far comes from GET /api/imports. Words come from the page (#import-words).
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const form = $("#import-form");
  if (!form) return;
  const lang = ($('meta[name="lang"]') || {}).content || "vi";
  const csrf = () => ($('meta[name="csrf"]') || {}).content || "";
  const W = JSON.parse(($("#import-words") || {}).textContent || "{}");
  const result = $("#import-result");

  async function listImports() {
    const res = await fetch("/api/imports?lang=" + lang, { credentials: "same-origin", headers: { "Accept": "application/json" } });
    if (!res.ok) return;
    const items = (await res.json()).items || [];
    if (!items.length) return;
    const body = $("#imports tbody");
    body.textContent = "";
    for (const it of items.slice().reverse()) {
      const tr = document.createElement("tr");
      for (const text of [it.package, it.organisation || W.unnamed_org, (it.imported_at || "").slice(0, 16).replace("T", " "),
                          it.imported_by, it.documents + " / " + it.linked]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
  }

  $("#import-file").addEventListener("change", () => {
    const file = $("#import-file").files[0];
    $("#import-chosen").textContent = file ? file.name : W.no_package;
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = $("#import-file").files[0];
    if (!file) return;
    const fd = new FormData();
    fd.append("file", file);
    const button = $("button[type=submit]", form);
    button.disabled = true;
    result.className = "dim";
    result.textContent = W.importing;
    try {
      const res = await fetch("/api/imports?lang=" + lang, { method: "POST", body: fd, credentials: "same-origin",
                                                             headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" } });
      const data = await res.json().catch(() => ({}));
      if (res.status === 422 && data.code === "refused") {
        result.className = "error import-refused";
        result.textContent = data.message || data.error;  // the catalog's sentence, in the page's language
      } else if (!res.ok) {
        result.className = "error";
        result.textContent = data.message || data.error || String(res.status);
      } else {
        result.className = data.already_imported ? "dim import-already" : "okay import-done";
        result.textContent = data.already_imported ? W.import_already : W.import_done
          .replace("{created}", data.created).replace("{linked}", data.linked)
          .replace("{org}", data.organisation || W.unnamed_org);
        listImports();
      }
    } finally {
      button.disabled = false;
    }
  });
  listImports();
})();
