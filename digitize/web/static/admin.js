// The admin page for users: add, disable / enable, reset a password, change a role; each through the
// JSON API with the session's CSRF token, then the page is read again.
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const table = $("#users");
  if (!table) return;
  const lang = ($('meta[name="lang"]') || {}).content || "vi";
  const csrf = () => ($('meta[name="csrf"]') || {}).content || "";
  const M = new Proxy({}, { get: (_, k) => (window.MSG || {})[k] });  // /i18n/<lang>.js loads after this script

  async function post(path, body) {
    const res = await fetch(path + "?lang=" + lang, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body || {}),
      headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/json", "Accept": "application/json" },
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.message || M.error_internal);
    return data;
  }
  function say(text, bad) {
    const el = $("#toast");
    el.textContent = text;
    el.className = bad ? "show bad" : "show";
  }
  const run = async (fn, reload) => {
    try { await fn(); if (reload) location.reload(); else say(M.done); } catch (e) { say(e.message, true); }
  };
  const url = (name, what) => "/api/users/" + encodeURIComponent(name) + "/" + what;

  table.addEventListener("click", (ev) => {
    const row = ev.target.closest("tr.user");
    if (!row || ev.target.tagName !== "BUTTON") return;
    const name = row.dataset.name;
    if (ev.target.classList.contains("disable")) run(() => post(url(name, "disable")), true);
    if (ev.target.classList.contains("enable")) run(() => post(url(name, "enable")), true);
    if (ev.target.classList.contains("set-password")) {
      const input = $(".new-password", row);
      run(async () => { await post(url(name, "password"), { password: input.value }); input.value = ""; }, false);
    }
  });
  table.addEventListener("change", (ev) => {
    const row = ev.target.closest("tr.user");
    if (row && ev.target.classList.contains("role")) run(() => post(url(row.dataset.name, "role"), { role: ev.target.value }), false);
  });
  $("#add-user").addEventListener("submit", (ev) => {
    ev.preventDefault();
    run(() => post("/api/users", { username: $("#new-user").value, role: $("#new-role").value,
                                   password: $("#new-user-password").value }), true);
  });
})();
