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
