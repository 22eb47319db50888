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

  // An option page's sections fold under their headings (<details>). An address or a link that
  // leads into a folded section opens it, so "#harms" or a reference number shows what it names.
  function openSectionsHolding(id) {
    var target = id && document.getElementById(id);
    var details = target && target.closest("details");
    var opened = false;
    while (details) {
      if (!details.open) {
        details.open = true;
        opened = true;
      }
      details = details.parentElement.closest("details");
    }
    return opened;
  }

  function idInHash(hash) {
    try {
      return decodeURIComponent(hash.slice(1));
    } catch (error) {
      return "";
    }
  }

  function openSectionInAddress() {
    var id = idInHash(window.location.hash);
    if (openSectionsHolding(id)) document.getElementById(id).scrollIntoView();
  }

  function layers() {
    return document.querySelectorAll("details.layer__details");
  }

  // "Open all sections" says "Close all sections" once every section is open.
  function labelOpenAll() {
    var all = Array.prototype.every.call(layers(), function (details) { return details.open; });
    document.querySelectorAll("[data-open-all]").forEach(function (button) {
      button.textContent = all ? "Close all sections" : "Open all sections";
      button.hidden = layers().length === 0;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fillResumeForm();
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
    showPrintButtons();
    openSectionInAddress();
    labelOpenAll();
  });

  window.addEventListener("hashchange", openSectionInAddress);

  // Chromium leaves a control that is partly in view where it is when it takes the focus, so a
  // link could stay half under the side-by-side table's held column or past the window's edge.
  // Scroll it just far enough to show it whole, with the room its scroll-margin asks for, beside
  // the column (the table's scroll-padding). Only for keyboard focus, and what fits at all.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches(":focus-visible") || target.tabIndex < 0) return;
    var box = target.getBoundingClientRect();
    if (box.height > window.innerHeight || box.width > window.innerWidth) return;
    target.scrollIntoView({block: "nearest", inline: "nearest"});
  });

  // "toggle" does not bubble: listen as it goes down.
  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details.layer__details")) labelOpenAll();
  }, true);

  document.addEventListener("htmx:afterSwap", function (event) {
    // An outerHTML swap replaces the target: look up its replacement by id.
    var old = event.detail.target;
    focusNewContent((old.id && document.getElementById(old.id)) || old);
    showPrintButtons();
  });

  // Sections folded away on screen are printed open, so a printout keeps everything, its
  // references included; the ones the person had closed close again after printing.
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details[data-print-open]").forEach(function (details) {
      if (!details.open) closedForPrint.push(details);
      details.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (details) { details.open = false; });
    closedForPrint = [];
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
    if (event.target.closest("[data-open-all]")) {
      var open = Array.prototype.some.call(layers(), function (details) { return !details.open; });
      layers().forEach(function (details) { details.open = open; });
    }
    // A link in the error summary shows its whole question and puts the focus on its first
    // answer (without JavaScript the browser shows the question, and Tab goes on from there).
    var fix = event.target.closest(".error-summary a[href^='#']");
    var question = fix && document.getElementById(idInHash(fix.hash));
    var answer = question && question.querySelector("input, textarea, select");
    if (answer) {
      event.preventDefault();
      question.scrollIntoView({block: "start"});
      answer.focus({preventScroll: true});
      return;
    }
    // Before the browser follows a link to a place in a folded section, open the section.
    var link = event.target.closest("a[href^='#']");
    if (link) openSectionsHolding(idInHash(link.hash));
  });
})();
