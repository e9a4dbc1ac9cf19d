// The review station's page script: small, no libraries. Every change goes through the JSON API with
// the session's CSRF token; messages come in the page's language (window.MSG, from /i18n/<lang>.js).
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const csrf = () => ($('meta[name="csrf"]') || {}).content || "";
  const lang = ($('meta[name="lang"]') || {}).content || "vi";
  const M = window.MSG || {};

  function toast(text, bad) {
    const el = $("#toast");
    el.textContent = text;
    el.className = bad ? "show bad" : "show";
  }

  async function api(method, url, body) {
    const opts = { method, headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(url + (url.includes("?") ? "&" : "?") + "lang=" + lang, opts);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      if (res.status === 401 && !url.endsWith("/api/session")) { location.href = "/login"; }
      throw new Error(data.message || M["error_" + data.code] || M.error_internal);
    }
    return data;
  }

  // --- log in / out --------------------------------------------------------------------------
  const loginForm = $("#login-form");
  if (loginForm) {
    loginForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await api("POST", "/api/session", { username: $("#username").value, password: $("#password").value });
        location.href = "/queue";
      } catch (e) { $("#login-error").textContent = e.message; }
    });
  }
  const logout = $("#logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      try { await api("DELETE", "/api/session"); } finally { location.href = "/login"; }
    });
  }

  // --- upload with progress ------------------------------------------------------------------
  const uploadForm = $("#upload-form");
  if (uploadForm) {
    $("#upload-file").addEventListener("change", () => {
      const names = Array.from($("#upload-file").files).map((f) => f.name);
      if (names.length) $("#upload-chosen").textContent = names.join(", ");
    });
    uploadForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (!$("#upload-file").files.length) return;
      const fd = new FormData();
      for (const f of $("#upload-file").files) fd.append("file", f);
      if ($("#upload-dossier").value) fd.append("dossier", $("#upload-dossier").value);
      if ($("#upload-profile").value) fd.append("profile", $("#upload-profile").value);
      if ($("#upload-join") && $("#upload-join").checked) fd.append("join", "true");
      const bar = $("#upload-progress");
      const list = $("#upload-results");
      bar.hidden = false;
      bar.value = 0;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/documents?lang=" + lang);
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
      xhr.onload = () => {
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        list.innerHTML = "";
        if (xhr.status >= 400) {
          const li = document.createElement("li");
          li.className = "error upload-error";
          li.textContent = data.message || M.error_internal;
          list.appendChild(li);
          return;
        }
        for (const err of data.errors || []) {
          const li = document.createElement("li");
          li.className = "error upload-error";
          li.textContent = err.file + ": " + (err.message || err.error);
          list.appendChild(li);
        }
        for (const item of data.items || []) watchUpload(item, list);
      };
      xhr.send(fd);
    });
  }

  // the dossier code is checked against the national form as it is typed (a hint: other codes are kept too)
  const dossierInput = $("#upload-dossier");
  if (dossierInput) {
    let timer = null;
    dossierInput.addEventListener("input", () => {
      clearTimeout(timer);
      const el = $("#dossier-check");
      if (!dossierInput.value.trim()) { el.textContent = ""; return; }
      timer = setTimeout(async () => {
        try {
          const r = await api("GET", "/api/dossier-code?code=" + encodeURIComponent(dossierInput.value));
          el.textContent = r.message;
          el.className = "code-check " + (r.national ? "okay" : "warn");
        } catch (e) { el.textContent = e.message; }
      }, 250);
    });
  }

  function watchUpload(item, list) {
    const li = document.createElement("li");
    li.dataset.id = item.id;
    if (item.status === "duplicate") {  // nothing was made: where the file already is
      const a = document.createElement("a");
      a.href = "/documents/" + item.existing.id;
      a.className = "duplicate";
      a.textContent = item.file + ": " + M.duplicate_of.replace("{dossier}", item.existing.dossier)
        .replace("{status}", (M["st_" + item.existing.status] || item.existing.status).toLowerCase());
      li.appendChild(a);
      list.appendChild(li);
      return;
    }
    li.textContent = item.file + ": " + M.processing_wait;
    list.appendChild(li);
    const poll = async () => {
      const doc = await api("GET", "/api/documents/" + item.id).catch((e) => ({ status: "error", error: e.message }));
      if (doc.status === "processing") { setTimeout(poll, 400); return; }
      li.textContent = "";
      if (doc.status === "error") {
        li.className = "error upload-error";
        li.textContent = item.file + ": " + (doc.message || doc.error);
        return;
      }
      const a = document.createElement("a");
      a.href = "/documents/" + item.id;
      a.className = "open-draft";
      a.textContent = item.file + " → " + M.open;
      li.appendChild(a);
    };
    poll();
  }

  // --- batch signing from the queue ----------------------------------------------------------
  // each record is signed at the revision listed here (one that changed meanwhile stops the whole batch),
  // after the signer has seen how many and which
  const signSelected = $("#sign-selected");
  if (signSelected) {
    signSelected.addEventListener("click", async () => {
      const picks = $$(".pick:checked");
      if (!picks.length) return;
      const items = picks.map((c) => ({ id: c.value, revision: Number(c.dataset.revision) }));
      const names = picks.map((c) => "• " + (c.dataset.label || c.value.slice(0, 8)));
      const ask = (signSelected.dataset.confirm || "{n}").replace("{n}", String(items.length));
      if (!window.confirm(ask + "\n" + names.join("\n"))) return;
      try {
        const res = await api("POST", "/api/sign", { items });
        const failed = res.items.filter((i) => i.status !== "signed");
        if (failed.length) toast(failed.map((i) => i.error).join("; "), true); else location.reload();
      } catch (e) { toast(e.message, true); }
    });
  }

  // --- the document view ---------------------------------------------------------------------
  const doc = $("#doc");
  if (!doc) return;
  const id = doc.dataset.id;
  const revision = () => Number(doc.dataset.revision);

  function showBox(row) {
    if (window.Viewer) { window.Viewer.showField(row); return; }
    $$(".page .box").forEach((b) => { b.hidden = true; });
    $$(".field.current").forEach((r) => r.classList.remove("current"));
    row.classList.add("current");
    const box = (row.dataset.box || "").split(",").map(Number);
    const pageEl = $('.page[data-page="' + (row.dataset.page || 1) + '"]');
    if (!pageEl || box.length !== 4) return;
    const img = $("img", pageEl);
    const scale = img.clientWidth / Number(pageEl.dataset.width || img.naturalWidth || 1);
    const el = $(".box", pageEl);
    el.style.left = box[0] * scale - 3 + "px";
    el.style.top = box[1] * scale - 3 + "px";
    el.style.width = (box[2] - box[0]) * scale + 6 + "px";
    el.style.height = (box[3] - box[1]) * scale + 6 + "px";
    el.hidden = false;
    el.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  $$(".field").forEach((row) => {
    const input = $(".value", row);
    row.addEventListener("click", () => showBox(row));
    input.addEventListener("focus", () => showBox(row));
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const why = $(".why", row);
        try {
          const r = await api("GET", "/api/documents/" + id + "/fields/" + row.dataset.name + "/check?value=" + encodeURIComponent(input.value));
          why.innerHTML = "";
          const span = document.createElement("span");
          span.className = r.valid && !r.needs_review ? "okay" : "warn";
          span.textContent = r.valid && !r.needs_review ? M.ok : (r.message || M.check_this);
          why.appendChild(span);
          row.classList.toggle("review", !r.valid || r.needs_review);
        } catch (e) { why.textContent = e.message; }
      }, 250);
    });
  });

  // N (outside a field) or Enter (in a field) jumps to the next field to check; Escape leaves the field
  document.addEventListener("keydown", (ev) => {
    const typing = ev.target.tagName === "INPUT" || ev.target.tagName === "TEXTAREA";
    if (ev.key === "Escape" && typing) { ev.target.blur(); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.shiftKey && ev.key === "Enter" && ev.target.tagName === "TEXTAREA") return;  // a new line in a value
    const inField = typing && ev.target.closest(".field");
    if (!(inField && ev.key === "Enter") && (typing || (ev.key !== "n" && ev.key !== "N"))) return;
    ev.preventDefault();
    const rows = $$(".field.review");
    if (!rows.length) return;
    const cur = rows.indexOf($(".field.current"));
    const next = rows[(cur + 1) % rows.length];
    $(".value", next).focus();
  });

  // edits typed but not saved yet: {name: value or null}
  function unsaved() {
    const fields = {};
    $$(".field .value").forEach((i) => { if (i.value !== i.dataset.original) fields[i.name] = i.value === "" ? null : i.value; });
    const newName = $("#new-name") ? $("#new-name").value.trim() : "";
    if (newName) fields[newName] = $("#new-value").value;
    return fields;
  }
  let leaving = false;  // set before a reload the page asked for itself
  const reload = (message) => {
    if (message) sessionStorage.setItem("digitize-toast", message);
    leaving = true;
    location.reload();
  };
  const kept = sessionStorage.getItem("digitize-toast");
  if (kept) { sessionStorage.removeItem("digitize-toast"); toast(kept, true); }
  window.addEventListener("beforeunload", (ev) => {
    if (leaving || !Object.keys(unsaved()).length) return;
    ev.preventDefault();
    ev.returnValue = "";  // the browser asks whether to leave with the edits unsaved
  });
  const save = (fields) => api("PATCH", "/api/documents/" + id + "/fields", { revision: revision(), fields });

  const form = $("#fields-form");
  if (form && $("#save")) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const fields = unsaved();
      if (!Object.keys(fields).length) return;
      try {
        await save(fields);
        reload();
      } catch (e) { toast(e.message, true); }
    });
  }

  // Duyệt: enabled once every flagged field is ticked "đã kiểm tra" or edited and the required ones have values
  const approveBtn = $("#approve");
  function approvable() {
    const typed = unsaved();
    const valueOf = (name) => (name in typed ? typed[name] : ($("#f-" + name) || {}).value) || "";
    const required = JSON.parse(doc.dataset.required || "[]");
    const flaggedDone = $$(".field[data-flagged='1']").every((row) => row.dataset.edited === "1"
      || row.dataset.name in typed || ($(".confirm-box", row) || {}).checked);
    return flaggedDone && required.every((name) => valueOf(name).trim() !== "");
  }
  function refreshApprove() {
    if (!approveBtn) return;
    approveBtn.disabled = !approvable();
    $("#approve-needs").hidden = !approveBtn.disabled;
  }
  if (approveBtn) {
    doc.addEventListener("input", refreshApprove);
    doc.addEventListener("change", refreshApprove);
    refreshApprove();
    approveBtn.addEventListener("click", async () => {
      approveBtn.disabled = true;
      let saved = false;
      try {
        const fields = unsaved();
        let rev = revision();
        if (Object.keys(fields).length) {  // what was typed is saved first: it is what gets approved
          rev = (await save(fields)).revision;
          saved = true;
        }
        // a ticked field emptied (so removed) has nothing left to confirm
        const confirmed = $$(".confirm-box:checked").map((c) => c.value).filter((n) => ($("#f-" + n) || {}).value !== "");
        await api("POST", "/api/documents/" + id + "/approve", { revision: rev, confirmed });
        reload();
      } catch (e) {
        if (saved) reload(e.message); else { toast(e.message, true); refreshApprove(); }
      }
    });
  }

  const signBtn = $("#sign");
  if (signBtn) {
    signBtn.addEventListener("click", async () => {
      signBtn.disabled = true;
      try {
        await api("POST", "/api/documents/" + id + "/sign", { revision: revision() });
        reload();
      } catch (e) { toast(e.message, true); signBtn.disabled = false; }
    });
  }

  const verify = $("#verify");
  if (verify) {
    verify.addEventListener("click", async () => {
      try {
        const v = await api("GET", "/api/documents/" + id + "/verify");
        const el = $("#verdict");
        el.textContent = M["verdict_" + v.verdict] || v.verdict;
        el.className = "verdict v-" + v.verdict;
      } catch (e) { toast(e.message, true); }
    });
  }
})();
