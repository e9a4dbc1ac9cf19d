// The counter's look-up (dossier page) and the queue's "new dossier" form. Typing a CCCD lists the
// person's digitised records; a still-valid signed one can be attached to the dossier by reference
// (no new scan); an expired one is shown as expired and not offered. Every look-up carries its reason
// (the dossier code by default) and is audited by the server. Words come from the page (#people-words).
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const lang = ($('meta[name="lang"]') || {}).content || "vi";
  const csrf = () => ($('meta[name="csrf"]') || {}).content || "";

  const newDossier = $("#new-dossier-form");
  if (newDossier && !newDossier.dataset.bound) {
    newDossier.dataset.bound = "1";
    newDossier.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const code = $("#new-dossier-code").value.trim();
      if (code) location.href = "/dossiers/" + encodeURIComponent(code);
    });
  }

  const panel = $("#people");
  if (!panel || panel.dataset.bound) return;
  panel.dataset.bound = "1";
  const page = JSON.parse(($("#people-words") || {}).textContent || "{}");
  const W = page.words || {};
  const types = page.types || {};
  const attachedHere = new Set(page.reused || []);
  const code = panel.dataset.code;
  const canReuse = panel.dataset.canReuse === "true";
  const status = $("#people-status");

  async function api(method, url, body) {
    const opts = { method, credentials: "same-origin",
                   headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(url + (url.includes("?") ? "&" : "?") + "lang=" + lang, opts);
    const data = await res.json().catch(() => ({}));
    if (res.status === 401) { location.href = "/login"; }
    if (!res.ok) throw new Error(data.message || data.error || String(res.status));
    return data;
  }

  // 2030-06-16 -> 16/06/2030, as Vietnamese papers write dates
  const day = (iso) => (/^\d{4}-\d{2}-\d{2}$/.test(iso || "") ? iso.split("-").reverse().join("/") : (iso || "—"));

  function cell(row, text, cls) {
    const td = document.createElement("td");
    if (text instanceof Node) td.appendChild(text); else td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }
  function badge(text, cls) {
    const b = document.createElement("span");
    b.className = "badge " + cls;
    b.textContent = text;
    return b;
  }

  // what the last column offers: attach (still valid and signed), or why not
  function use(rec) {
    if (rec.state === "expired") return badge(W.state_expired, "state-expired");
    if (rec.state === "not_yet") return badge(W.state_not_yet, "state-not-yet");
    if (rec.signature !== "signed" && rec.signature !== "valid") return badge(W.not_signed, "st-draft");
    if (attachedHere.has(rec.id)) return badge(W.attached, "st-signed");
    if (!canReuse) return document.createTextNode("—");
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "attach";
    btn.textContent = W.attach;
    btn.addEventListener("click", () => attach(rec, btn));
    return btn;
  }

  function show(records) {
    const table = $("#people-records");
    const body = $("tbody", table);
    body.textContent = "";
    for (const rec of records) {
      const tr = document.createElement("tr");
      tr.dataset.id = rec.id;
      tr.dataset.state = rec.state;
      tr.className = "person-record state-" + rec.state;
      const id = document.createElement("span");
      id.className = "code";
      id.textContent = rec.id;
      cell(tr, id);
      cell(tr, types[rec.doc_type] || rec.doc_type);
      cell(tr, day(rec.issued_on));
      cell(tr, rec.permanent ? W.permanent : day(rec.valid_until));
      cell(tr, W["v_" + rec.signature] || rec.signature);
      cell(tr, rec.office || "—");
      cell(tr, use(rec), "use");
      body.appendChild(tr);
    }
    table.hidden = !records.length;
    const valid = records.filter((r) => r.state === "valid").length;
    status.className = records.length ? "" : "dim";
    status.textContent = records.length ? W.found_n.replace("{n}", records.length).replace("{valid}", valid)
                                        : W.none_found;
  }

  async function lookUp() {
    const person = $("#people-id").value.trim();
    const reason = $("#people-reason").value.trim() || code;
    if (!person) return;
    status.className = "dim";
    status.textContent = W.searching;
    const q = new URLSearchParams({ all: "true", dossier: code });
    if (reason !== code) q.set("reason", reason);
    try {
      const found = await api("GET", "/api/people/" + encodeURIComponent(person) + "/records?" + q.toString());
      show(found.records || []);
    } catch (e) {
      $("#people-records").hidden = true;
      status.className = "error";
      status.textContent = e.message;
    }
  }

  async function attach(rec, btn) {
    btn.disabled = true;
    try {
      await api("POST", "/api/dossiers/" + encodeURIComponent(code) + "/reuse",
                { document_id: rec.id, reason: $("#people-reason").value.trim() || code });
      location.reload();  // the dossier now lists the record as reused
    } catch (e) {
      btn.disabled = false;
      status.className = "error";
      status.textContent = e.message;
    }
  }

  $("#people-form").addEventListener("submit", (ev) => { ev.preventDefault(); lookUp(); });
})();
