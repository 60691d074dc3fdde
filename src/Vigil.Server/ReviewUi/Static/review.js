// Vigil review UI: keyboard shortcuts, reveal of one item's clear media with exposure timing, and
// the break reminder. Served from /review/static/ under a CSP that allows no inline script: every
// value comes from data- attributes the server wrote.
"use strict";
(function () {
  const body = document.body;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  let overlay = null;
  let active = null; // the one revealed item: { figure, view, url, shownAt, timer }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify(data || {}),
    });
  }

  function say(figure, text) {
    let note = figure.querySelector(".media-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "media-note";
      note.setAttribute("role", "status");
      figure.appendChild(note);
    }
    note.textContent = text;
  }

  // ---- reveal ------------------------------------------------------------------------------------
  // The page starts with the blurred derivative only. A reveal fetches the clear bytes of one item,
  // shows them until the pointer leaves or revealMs pass, then puts the blurred view back and tells
  // the server how many seconds the clear media was on screen.
  async function reveal(figure) {
    if (overlay && !overlay.hidden) return;
    if (active) conceal();
    const view = figure.querySelector(".view");
    const url = figure.dataset.clear;
    if (!view || !url) return;
    figure.classList.add("loading");
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    } catch (e) {
      figure.classList.remove("loading");
      say(figure, "The media could not be loaded.");
      return;
    }
    figure.classList.remove("loading");
    if (!response.ok) {
      let detail = "The server did not serve the media (" + response.status + ").";
      try { const problem = await response.json(); if (problem.detail) detail = problem.detail; } catch (e) { /* not a problem document */ }
      say(figure, detail);
      return;
    }
    const blob = await response.blob();
    const objectUrl = URL.createObjectURL(blob);
    const ms = parseInt(figure.dataset.revealMs || "5000", 10);
    let shown = view;
    if (figure.dataset.kind === "video") {
      // The blurred frame strip stays in the page, hidden; the clear video is muted (unless the
      // reviewer's settings say otherwise) and paused until the reviewer plays it.
      shown = document.createElement("video");
      shown.className = "view clear-video";
      shown.muted = figure.dataset.mute !== "false";
      shown.preload = "auto";
      shown.controls = true;
      shown.src = objectUrl;
      view.hidden = true;
      view.after(shown);
    } else {
      view.src = objectUrl;
    }
    active = { figure: figure, view: view, shown: shown, url: objectUrl, shownAt: performance.now(), timer: setTimeout(conceal, ms) };
    figure.classList.add("revealed");
    figure.setAttribute("aria-live", "polite");
    figure.addEventListener("pointerleave", conceal, { once: true });
  }

  function conceal() {
    if (!active) return;
    const a = active;
    active = null;
    clearTimeout(a.timer);
    a.figure.removeEventListener("pointerleave", conceal);
    const seconds = (performance.now() - a.shownAt) / 1000;
    if (a.shown !== a.view) {
      a.shown.pause();
      a.shown.removeAttribute("src");
      a.shown.load();
      a.shown.remove();
      a.view.hidden = false;
    } else {
      a.view.src = a.figure.dataset.blurred;
    }
    URL.revokeObjectURL(a.url);
    a.figure.classList.remove("revealed");
    if (a.figure.dataset.exposure) post(a.figure.dataset.exposure, { seconds: Math.round(seconds * 1000) / 1000 });
  }

  function currentFigure() {
    return document.querySelector(".media.current[data-clear]") || document.querySelector(".media[data-clear]");
  }

  document.querySelectorAll(".media[data-clear]").forEach(function (figure) {
    const button = figure.querySelector("button.reveal");
    if (button) button.addEventListener("click", function () { reveal(figure); });
    figure.addEventListener("focusin", function () {
      document.querySelectorAll(".media.current").forEach(function (f) { f.classList.remove("current"); });
      figure.classList.add("current");
    });
  });
  window.addEventListener("blur", conceal);
  document.addEventListener("visibilitychange", function () { if (document.hidden) conceal(); });

  // ---- keyboard shortcuts ------------------------------------------------------------------------
  // Elements with data-key act on that key: buttons and links are clicked, radios and checkboxes chosen.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.tagName === "INPUT" && target.type !== "radio" && target.type !== "checkbox" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) return;
    if (overlay && !overlay.hidden) return;
    const key = event.key;
    if (key === "Enter" && target && target.type === "radio" && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (key === "r") {
      const figure = currentFigure();
      if (figure) { event.preventDefault(); reveal(figure); }
      return;
    }
    const element = document.querySelector('[data-key="' + CSS.escape(key) + '"]');
    if (!element) return;
    event.preventDefault();
    if (element.type === "radio" || element.type === "checkbox") {
      element.checked = true;
      element.focus(); // so that Enter then submits its form
      element.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      element.click();
    }
  });

  // ---- break reminder ----------------------------------------------------------------------------
  // After each stretch of review the reminder covers the page until acknowledged; the server holds
  // it too (every page shows it again, clear media is refused) until then.
  function showBreak() {
    conceal();
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "break-reminder";
      overlay.className = "overlay";
      overlay.setAttribute("role", "alertdialog");
      overlay.setAttribute("aria-modal", "true");
      overlay.setAttribute("aria-labelledby", "break-title");
      const box = document.createElement("div");
      box.className = "overlay-box";
      const title = document.createElement("h2");
      title.id = "break-title";
      title.textContent = "Time for a break";
      const text = document.createElement("p");
      text.textContent = "You have been reviewing for a while. Step away from the screen for a few minutes: look at something far away, stretch, have a drink.";
      const button = document.createElement("button");
      button.type = "button";
      button.id = "break-done";
      button.textContent = "I have taken a break";
      button.addEventListener("click", acknowledgeBreak);
      box.append(title, text, button);
      overlay.appendChild(box);
      body.appendChild(overlay);
    }
    overlay.hidden = false;
    body.classList.add("on-break");
    const done = overlay.querySelector("#break-done");
    if (done) done.focus();
  }

  async function acknowledgeBreak() {
    let dueMs = parseInt(body.dataset.breakEveryMs || "3600000", 10);
    try {
      const response = await post(body.dataset.breakUrl, {});
      if (response.ok) dueMs = (await response.json()).break_due_ms;
    } catch (e) { /* the next page asks the server again */ }
    overlay.hidden = true;
    body.classList.remove("on-break");
    setTimeout(showBreak, dueMs);
  }

  if (body.dataset.breakUrl) {
    const due = parseInt(body.dataset.breakDueMs || "0", 10);
    if (due <= 0) showBreak(); else setTimeout(showBreak, due);
  }

  // The shortcuts above are live from here on (scripts, tests and assistive tools can wait for this).
  body.dataset.ready = "true";
})();
