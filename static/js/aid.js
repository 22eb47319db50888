// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  function showPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
    });
    if (navigator.clipboard) {
      document.querySelectorAll("[data-copy]").forEach(function (button) {
        button.hidden = false;
      });
    }
  }

  // After a swap, move focus to the error summary or the new heading (a step's h1, or a
  // heading marked data-swap-focus such as the side-by-side table's), so nobody loses their place.
  function focusNewContent(root) {
    var target = root.querySelector(".error-summary") || root.querySelector("h1, [data-swap-focus]");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  // A resume link carries its answers after "#", which never leaves the browser. Put it in the
  // form, then take it out of the address bar (and so out of the browser's history).
  function fillResumeForm() {
    var form = document.querySelector("[data-resume-form]");
    if (!form || window.location.hash.length < 2) return;
    form.querySelector("textarea").value = window.location.hash.slice(1);
    window.history.replaceState(null, "", window.location.pathname);
    form.querySelector("button").focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    fillResumeForm();
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
    showPrintButtons();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // An outerHTML swap replaces the target: look up its replacement by id.
    var old = event.detail.target;
    focusNewContent((old.id && document.getElementById(old.id)) || old);
    showPrintButtons();
  });

  // Sources folded away on screen are printed open, so a printout keeps its references.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details[data-print-open]").forEach(function (details) {
      details.open = true;
    });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var text = document.getElementById(copy.getAttribute("data-copy")).value;
      navigator.clipboard.writeText(text).then(function () {
        copy.textContent = "Copied";
      });
    }
  });
})();
