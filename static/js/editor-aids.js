// Live reading grade under each text box in the editors' admin.
// The admin loads this in <head>, so it waits for the form to exist.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.querySelector("form[id$='_form']");
  var token = form && form.querySelector("input[name='csrfmiddlewaretoken']");
  var source = form && form.querySelector("[data-reading-grade-url]");
  if (!token || !source) return;
  var endpoint = source.dataset.readingGradeUrl;

  function attach(box) {
    if (box.dataset.gradeAttached) return;
    box.dataset.gradeAttached = "1";
    var out = document.createElement("span");
    out.className = "grade-live";
    out.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", out);
    var timer;
    function update() {
      var body = new URLSearchParams({ text: box.value });
      fetch(endpoint, {
        method: "POST",
        headers: { "X-CSRFToken": token.value },
        body: body,
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.grade === null) { out.textContent = ""; return; }
          out.textContent = "Reading grade " + data.grade +
            (data.plain ? "" : " – above grade " + data.limit + ": try shorter sentences and words");
          out.classList.toggle("grade--high", !data.plain);
        });
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
    if (box.value) update();
  }

  function attachAll() { form.querySelectorAll("textarea").forEach(attach); }
  attachAll();
  // Inline rows added with "Add another" get their aid too.
  document.addEventListener("formset:added", attachAll);
});
