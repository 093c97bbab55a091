// Lessons, progressive enhancement only (the forms post without this file):
// - exercise answers save themselves a moment after the learner stops typing, and when
//   the page is left; the status line says when they were last saved;
// - reaching the end of the lesson marks it as done (once the reader has scrolled, or
//   after a while on a lesson short enough to fit the screen: opening is not reading).
(function () {
  "use strict";

  function post(form, onDone) {
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      var data = {};
      try { data = JSON.parse(request.responseText); } catch (e) { data = {}; }
      onDone(request.status, data);
    };
    request.onerror = function () { onDone(0, {}); };
    request.send(new FormData(form));
  }

  var form = document.querySelector("form[data-autosave]");
  if (form) {
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    var dirty = false;
    var say = function (text) { if (status) { status.textContent = text; } };
    var save = function () {
      if (!dirty) { return; }
      dirty = false;
      say(form.getAttribute("data-saving") || "Saving…");
      post(form, function (code, data) {
        if (code === 200 && data.saved) {
          say((form.getAttribute("data-saved") || "Saved at") + " " + data.at);
        } else {
          dirty = true;
          say(data.error || form.getAttribute("data-unsaved") || "Not saved: check your connection; use the Save button.");
        }
      });
    };
    var changed = function () {
      dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 1500);
    };
    form.addEventListener("input", changed);
    // Answers typed before this script arrived (a slow connection) count as changes too.
    var editedAlready = Array.prototype.some.call(form.elements, function (field) {
      return (field.tagName === "TEXTAREA" || field.tagName === "INPUT") &&
        field.type !== "hidden" && field.value !== field.defaultValue;
    });
    if (editedAlready) { changed(); }
    window.addEventListener("pagehide", function () {
      if (dirty && navigator.sendBeacon) { navigator.sendBeacon(form.action, new FormData(form)); }
    });
  }

  var end = document.querySelector("form[data-complete-on-reach]");
  if (end && "IntersectionObserver" in window) {
    var done = false;
    var dwell = null;
    var complete = function () {
      if (done) { return; }
      done = true;
      observer.disconnect();
      post(end, function (code, data) {
        if (code === 200 && data.completed) {
          var note = document.createElement("p");
          note.className = "status status--done";
          note.setAttribute("role", "status");
          note.textContent = end.getAttribute("data-done") || "Lesson completed.";
          end.insertBefore(note, end.firstChild);
        }
      });
    };
    // The end must stay in view a moment: scrolling past it, or pressing the button (which
    // posts the form itself), is not reaching it.
    var observer = new IntersectionObserver(function (entries) {
      window.clearTimeout(dwell);
      if (entries[0].isIntersecting) { dwell = window.setTimeout(complete, 2000); }
    });
    end.addEventListener("submit", function () {
      done = true;
      window.clearTimeout(dwell);
      observer.disconnect();
    });
    var armed = false;
    var arm = function () {
      if (!armed) { armed = true; observer.observe(end); }
    };
    window.addEventListener("scroll", arm, { passive: true, once: true });
    window.setTimeout(arm, 20000);
  }
})();
