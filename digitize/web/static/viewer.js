// The document viewer: one page at a time with its number and thumbnails, zoom and pan, the focused
// field's box drawn and kept in view; values in text areas that grow with them; the page arranger
// (reorder, turn, remove: one new revision) and the document type. Loaded before app.js, which calls
// window.Viewer.showField when a field is focused.
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const doc = $("#doc");
  if (!doc) return;
  const M = new Proxy({}, { get: (_, k) => (window.MSG || {})[k] });  // /i18n/<lang>.js loads after this script
  const lang = ($('meta[name="lang"]') || {}).content || "vi";
  const csrf = () => ($('meta[name="csrf"]') || {}).content || "";
  const stage = $("#stage");
  const pages = $$(".page", stage);
  const total = pages.length;
  let current = 1;
  let zoom = 1;

  function grow(area) {  // a text area as tall as its value
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px";
  }
  $$(".field .value").forEach((a) => { grow(a); a.addEventListener("input", () => grow(a)); });
  window.addEventListener("resize", () => $$(".field .value").forEach(grow));

  function load(pageEl) {
    const img = $("img", pageEl);
    if (img.dataset.src && !img.getAttribute("src")) img.src = img.dataset.src;
  }

  function show(n) {
    current = Math.min(Math.max(1, n), total);
    pages.forEach((p) => { p.hidden = Number(p.dataset.page) !== current; });
    const el = pages[current - 1];
    if (el) load(el);
    if (pages[current]) load(pages[current]);  // the next page is likely next
    const label = $("#page-no");
    label.textContent = label.dataset.template.replace("{n}", current).replace("{total}", total);
    $$(".thumb").forEach((t) => t.classList.toggle("current", Number(t.dataset.page) === current));
    const thumb = $('.thumb[data-page="' + current + '"]');
    const strip = $("#thumbs");
    if (thumb && strip) {  // along the strip only: scrolling the page or the card would move what is read
      const left = thumb.offsetLeft - strip.offsetLeft;
      if (left < strip.scrollLeft || left + thumb.offsetWidth > strip.scrollLeft + strip.clientWidth) {
        strip.scrollLeft = left - (strip.clientWidth - thumb.offsetWidth) / 2;
      }
    }
    $("#prev-page").disabled = current === 1;
    $("#next-page").disabled = current === total;
    if (doc.dataset.q) markWords(pages[current - 1]);
  }

  // from a search (?q=): the words' boxes on the page, asked for once per page shown
  async function markWords(pageEl) {
    if (!pageEl || pageEl.dataset.hits) return;
    pageEl.dataset.hits = "asked";
    const url = "/api/documents/" + doc.dataset.id + "/pages/" + pageEl.dataset.page + "/hits?q=" + encodeURIComponent(doc.dataset.q);
    const res = await fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } });
    if (!res.ok) return;
    const found = await res.json();
    for (const b of found.boxes) {  // in % of the page: they follow the zoom by themselves
      const el = document.createElement("div");
      el.className = "hit";
      el.style.left = 100 * b[0] / found.width + "%";
      el.style.top = 100 * b[1] / found.height + "%";
      el.style.width = 100 * (b[2] - b[0]) / found.width + "%";
      el.style.height = 100 * (b[3] - b[1]) / found.height + "%";
      pageEl.appendChild(el);
    }
    pageEl.dataset.hits = String(found.boxes.length);
  }

  function setZoom(z, keepCentre) {
    const cx = (stage.scrollLeft + stage.clientWidth / 2) / (stage.scrollWidth || 1);
    const cy = (stage.scrollTop + stage.clientHeight / 2) / (stage.scrollHeight || 1);
    zoom = Math.min(4, Math.max(0.5, z));
    pages.forEach((p) => { p.style.width = zoom * 100 + "%"; });
    $("#zoom-level").textContent = Math.round(zoom * 100) + "%";
    if (keepCentre) {
      stage.scrollLeft = cx * stage.scrollWidth - stage.clientWidth / 2;
      stage.scrollTop = cy * stage.scrollHeight - stage.clientHeight / 2;
    }
    const row = $(".field.current");
    if (row) placeBox(row, false);
  }

  $("#prev-page").addEventListener("click", () => show(current - 1));
  $("#next-page").addEventListener("click", () => show(current + 1));
  $("#zoom-in").addEventListener("click", () => setZoom(zoom * 1.25, true));
  $("#zoom-out").addEventListener("click", () => setZoom(zoom / 1.25, true));
  $("#zoom-fit").addEventListener("click", () => setZoom(1, false));
  $$(".thumb").forEach((t) => t.addEventListener("click", () => show(Number(t.dataset.page))));
  document.addEventListener("keydown", (ev) => {  // PageUp / PageDown turn pages outside the fields
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(ev.target.tagName);
    if (typing) return;
    if (ev.key === "PageDown") { ev.preventDefault(); show(current + 1); }
    if (ev.key === "PageUp") { ev.preventDefault(); show(current - 1); }
  });

  // pan: drag the zoomed page with the mouse (touch screens scroll natively)
  let drag = null;
  stage.addEventListener("pointerdown", (ev) => {
    if (ev.pointerType !== "mouse" || zoom <= 1) return;
    drag = { x: ev.clientX, y: ev.clientY, left: stage.scrollLeft, top: stage.scrollTop };
    stage.classList.add("panning");
  });
  window.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    stage.scrollLeft = drag.left - (ev.clientX - drag.x);
    stage.scrollTop = drag.top - (ev.clientY - drag.y);
  });
  window.addEventListener("pointerup", () => { drag = null; stage.classList.remove("panning"); });

  function placeBox(row, scroll) {
    $$(".page .box").forEach((b) => { b.hidden = true; });
    const box = (row.dataset.box || "").split(",").map(Number);
    const n = Number(row.dataset.page || 0);
    if (!n || box.length !== 4 || box.some(isNaN)) return;
    if (n !== current) show(n);
    const pageEl = pages[n - 1];
    const img = $("img", pageEl);
    const apply = () => {
      const scale = img.clientWidth / Number(pageEl.dataset.width || img.naturalWidth || 1);
      const el = $(".box", pageEl);
      el.style.left = box[0] * scale - 3 + "px";
      el.style.top = box[1] * scale - 3 + "px";
      el.style.width = (box[2] - box[0]) * scale + 6 + "px";
      el.style.height = (box[3] - box[1]) * scale + 6 + "px";
      el.hidden = false;
      if (scroll) keepInView(el);
    };
    if (img.complete && img.naturalWidth) apply(); else img.addEventListener("load", apply, { once: true });
  }

  function keepInView(el) {  // the box in the middle of the stage, whatever the zoom
    const s = stage.getBoundingClientRect();
    const b = el.getBoundingClientRect();
    if (b.left < s.left || b.right > s.right) stage.scrollLeft += b.left - s.left - (s.width - b.width) / 2;
    if (b.top < s.top || b.bottom > s.bottom) stage.scrollTop += b.top - s.top - (s.height - b.height) / 2;
    if (s.top < 0 || s.bottom > window.innerHeight) stage.scrollIntoView({ block: "nearest" });
  }

  window.Viewer = {
    showField(row) {
      $$(".field.current").forEach((r) => r.classList.remove("current"));
      row.classList.add("current");
      placeBox(row, true);
    },
  };
  show(Number((doc.dataset.hitPages || "").split(",")[0]) || 1);
  $$(".page-jump").forEach((b) => b.addEventListener("click", () => show(Number(b.dataset.page))));

  async function post(path, body) {
    const res = await fetch(path + "?lang=" + lang, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/json", "Accept": "application/json" },
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.message || M.error_internal);
    return data;
  }
  function toast(text) {
    const el = $("#toast");
    el.textContent = text;
    el.className = "show bad";
  }

  // the page arranger: the list's order is the new order; turned and removed pages are marked on the item
  const order = $("#page-order");
  if (order) {
    order.addEventListener("click", (ev) => {
      const li = ev.target.closest("li");
      if (!li || ev.target.tagName !== "BUTTON") return;
      if (ev.target.classList.contains("up") && li.previousElementSibling) order.insertBefore(li, li.previousElementSibling);
      if (ev.target.classList.contains("down") && li.nextElementSibling) order.insertBefore(li.nextElementSibling, li);
      if (ev.target.classList.contains("turn")) {
        li.dataset.rotate = (Number(li.dataset.rotate) + 90) % 360;
        $("img", li).style.transform = "rotate(" + li.dataset.rotate + "deg)";
      }
      if (ev.target.classList.contains("drop")) {
        li.classList.toggle("dropped");
        ev.target.textContent = li.classList.contains("dropped") ? ev.target.dataset.keep : ev.target.dataset.drop;
      }
      $$("li", order).forEach((item, i) => { item.dataset.position = i + 1; });
    });
    $("#save-pages").addEventListener("click", async () => {
      const edits = $$("li", order).filter((li) => !li.classList.contains("dropped"))
        .map((li) => ({ page: Number(li.dataset.page), rotate: Number(li.dataset.rotate) }));
      try {
        await post("/api/documents/" + doc.dataset.id + "/pages", { revision: Number(doc.dataset.revision), pages: edits });
        location.reload();
      } catch (e) { toast(e.message); }
    });
  }

  const typeForm = $("#type-form");
  if (typeForm) {
    typeForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await post("/api/documents/" + doc.dataset.id + "/type", { revision: Number(doc.dataset.revision), doc_type: $("#doc-type").value });
        location.reload();
      } catch (e) { toast(e.message); }
    });
  }
})();
