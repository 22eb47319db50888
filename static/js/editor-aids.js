// The reading grade under each text box in the editors' admin. The page arrives graded by the
// server; only the box being typed in is graded again, when the editor pauses or leaves it, so
// opening a page asks the server for nothing.
// The admin loads this in <head>, so it waits for the form to exist.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.querySelector("form[id$='_form']");
  var token = form && form.querySelector("input[name='csrfmiddlewaretoken']");
  var source = form && form.querySelector("[data-reading-grade-url]");
  if (!token || !source) return;
  var endpoint = source.dataset.readingGradeUrl;
  var timers = new WeakMap();
  var graded = new WeakMap();

  function grade(box) {
    var note = box.closest(".graded") && box.closest(".graded").querySelector(".grade-note");
    if (!note || graded.get(box) === box.value) return;
    graded.set(box, box.value);
    fetch(endpoint, {
      method: "POST",
      headers: { "X-CSRFToken": token.value },
      body: new URLSearchParams({ text: box.value }),
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (graded.get(box) !== box.value) return; // typed on since: a newer answer will come
        note.textContent = data.note;
        note.classList.toggle("grade--high", !data.plain);
      });
  }

  function isGraded(target) {
    return target instanceof HTMLTextAreaElement && target.hasAttribute("data-graded");
  }

  // Rows added with "Add another" are covered too: the listeners sit on the form.
  form.addEventListener("input", function (event) {
    var box = event.target;
    if (!isGraded(box)) return;
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(function () { grade(box); }, 800));
  });
  form.addEventListener("change", function (event) {
    if (!isGraded(event.target)) return;
    clearTimeout(timers.get(event.target));
    grade(event.target);
  });
  // What the page arrived with was graded by the server.
  form.querySelectorAll("textarea[data-graded]").forEach(function (box) {
    graded.set(box, box.value);
  });
});

// Before an idle staff session ends (decisionaid/security.py), a warning with a button to stay
// signed in, so unsaved work on the page is not lost (WCAG 2.2.1). The page says how long the
// session has left; "Stay signed in" asks the server, which starts the idle time again.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (!box) return;
  var text = box.querySelector(".idle-warning__text");
  var form = box.querySelector("form");
  var button = box.querySelector("button");
  var warnMs = Number(box.dataset.warnSeconds) * 1000;
  var ends = Date.now() + Number(box.dataset.secondsLeft) * 1000;
  var timer;

  function minutes(ms) {
    var n = Math.max(1, Math.ceil(ms / 60000));
    return n === 1 ? "1 minute" : n + " minutes";
  }

  function signedOut() {
    text.textContent = "You have been signed out. Anything not saved on this page is lost " +
      "when you leave it: copy what you need, then sign in again in a new tab.";
    button.hidden = true;
    box.hidden = false;
  }

  function check() {
    clearTimeout(timer);
    var left = ends - Date.now();
    if (left <= 0) return signedOut();
    if (left <= warnMs) {
      text.textContent = "You will be signed out in " + minutes(left) + ", as nothing has " +
        "been saved or opened for a while. Anything not saved on this page would be lost.";
      box.hidden = false;
      timer = setTimeout(check, Math.min(left, 30000));
    } else {
      box.hidden = true;
      timer = setTimeout(check, left - warnMs);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault(); // stay on this page, with its unsaved work
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || !response.headers.get("Content-Type").startsWith("application/json")) {
          throw new Error("signed out");
        }
        return response.json();
      })
      .then(function (data) {
        ends = Date.now() + data.seconds_left * 1000;
        check();
        if (!box.hidden) {
          text.textContent = "Your sign-in cannot be made longer: it ends in " +
            minutes(ends - Date.now()) + ". Save your work now, then sign in again.";
        }
      })
      .catch(signedOut);
  });
  check();
});

// The pickers (drawn by Django's autocomplete, select2 4.0) made whole for the keyboard and
// screen readers. Their search boxes get the name of their picker, so a screen reader says what
// they search. Each chosen source's "×" becomes a button named for its source, which Tab reaches
// and Enter or Space works: it removes that source alone (select2 4.0 offers only Backspace, on
// the last one). select2 draws both again as sources are picked or removed, and for rows added
// with "Add another": a watcher sees to each new one.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  function pickerName(select) {
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    return select.getAttribute("aria-label") || (label && label.textContent.replace(/:$/, ""));
  }
  function selectOf(element) {
    var container = element.closest(".select2-container");
    var select = container && container.previousElementSibling;
    return select && select.tagName === "SELECT" ? select : null;
  }
  function fixPickers(root) {
    root.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (box) {
      var select = selectOf(box);
      var name = select && pickerName(select);
      if (name) box.setAttribute("aria-label", "Search for " + name.trim().toLowerCase());
    });
    root.querySelectorAll(".select2-selection__choice__remove:not([tabindex])").forEach(function (x) {
      var chosen = x.parentElement;
      var name = chosen.getAttribute("title") || chosen.textContent.replace(/^\u00d7/, "");
      x.setAttribute("role", "button");
      x.setAttribute("tabindex", "0");
      x.setAttribute("aria-label", "Remove " + name.trim());
    });
  }
  // The chosen sources are drawn in the order of the select's chosen options: the nth button
  // removes the nth option. select2 then draws the rest again, and focus goes to the button
  // that took this one's place (or the search box, when none is left).
  function removeChosen(x) {
    var chosen = x.parentElement;
    var container = chosen.closest(".select2-container");
    var select = selectOf(chosen);
    var all = Array.prototype.slice.call(chosen.parentElement.children)
      .filter(function (item) { return item.classList.contains("select2-selection__choice"); });
    var index = all.indexOf(chosen);
    if (!select || index < 0 || !select.selectedOptions[index]) return;
    select.selectedOptions[index].selected = false;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    fixPickers(container);
    var left = container.querySelectorAll(".select2-selection__choice__remove");
    var next = left[Math.min(index, left.length - 1)];
    (next || container.querySelector(".select2-search__field")).focus();
  }
  var form = document.querySelector("form[id$='_form']");
  if (!form || !form.querySelector(".admin-autocomplete")) return;
  fixPickers(form);
  new MutationObserver(function () { fixPickers(form); })
    .observe(form, { childList: true, subtree: true });
  // Caught on the way down, before select2's own keys (Enter or Space would open its list).
  form.addEventListener("keydown", function (event) {
    var x = event.target;
    if (!(x instanceof Element) || !x.matches(".select2-selection__choice__remove")) return;
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    event.stopPropagation();
    removeChosen(x);
  }, true);
});

// "Fill in from PubMed" beside a source's PubMed ID (treatments/admin/evidence.py). Without
// JavaScript it posts the form, which comes back filled in. Here it asks this site (which asks
// NCBI; the page never does) and fills only the boxes still empty: what the editor typed is kept
// and named, with what PubMed has, so nothing typed is lost. Not a submit button here, so Enter
// in a box still saves.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var button = document.querySelector("button[data-pubmed-url]");
  if (!button || !button.form) return;
  var form = button.form;
  var status = document.getElementById(button.getAttribute("aria-controls"));
  button.type = "button";

  function labelOf(box) {
    var label = box.id && document.querySelector("label[for='" + box.id + "']");
    return label ? label.textContent.replace(/:$/, "").trim() : box.name;
  }

  function say(text) {
    status.textContent = text;
  }

  function fill(fields) {
    var filled = [];
    var kept = [];
    Object.keys(fields).forEach(function (name) {
      var box = form.elements[name];
      if (!box) return;
      if (box.value.trim() === "") {
        box.value = fields[name];
        // As if typed: the slug follows a new title (Django's prepopulate.js listens).
        box.dispatchEvent(new Event("input", { bubbles: true }));
        box.dispatchEvent(new Event("change", { bubbles: true }));
        filled.push(labelOf(box));
      } else if (box.value.trim() !== fields[name]) {
        kept.push(labelOf(box) + " (PubMed has “" + fields[name] + "”)");
      }
    });
    var said = filled.length
      ? ["Filled in from PubMed: " + filled.join(", ") + "."]
      : ["Nothing was filled in: every box PubMed could fill already has something."];
    if (kept.length) said.push("Kept as you typed: " + kept.join("; ") + ".");
    said.push("Check each against the paper. Nothing is saved until you save.");
    say(said.join(" "));
  }

  button.addEventListener("click", function () {
    if (button.getAttribute("aria-disabled") === "true") return; // still asking
    var pmid = form.elements.pmid.value;
    say("Asking PubMed…");
    button.setAttribute("aria-disabled", "true");
    fetch(button.dataset.pubmedUrl + "?" + new URLSearchParams({ pmid: pmid }), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || !type.startsWith("application/json")) throw new Error("no answer");
        return response.json();
      })
      .then(function (data) {
        if (data.message) say(data.message);
        else fill(data.fields);
      })
      .catch(function () {
        say("This page could not ask PubMed: you may have been signed out. Type the details " +
          "in yourself, or copy what you typed, reload the page and try again.");
      })
      .finally(function () {
        button.removeAttribute("aria-disabled");
      });
  });
});
