// Quiz attempts, progressive enhancement only (the form posts without this file: its Next,
// Previous and Finish buttons save the page's answers on the server):
// - answers save themselves a moment after each change, and when the page is left, through
//   the same form (the server answers JSON: whether it saved, never a grade or an answer);
// - a countdown shows the time left; the server enforces the deadline whatever it shows.
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  var dirty = false;
  var say = function (text) { if (status) { status.textContent = text; } };

  var save = function () {
    if (!dirty) { return; }
    dirty = false;
    say(form.getAttribute("data-saving"));
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      var data = {};
      try { data = JSON.parse(request.responseText); } catch (e) { data = {}; }
      if (request.status === 200 && data.saved) {
        say(form.getAttribute("data-saved") + " " + data.at);
      } else if (request.status === 409) {
        say(data.error || "");
        window.setTimeout(function () { window.location.reload(); }, 1500);
      } else {
        dirty = true;
        say(form.getAttribute("data-unsaved"));
      }
    };
    request.onerror = function () {
      dirty = true;
      say(form.getAttribute("data-unsaved"));
    };
    request.send(new FormData(form));
  };

  var changed = function () {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 800);
  };

  // Answers given before this script arrived (a slow connection) count as changes too.
  var editedAlready = function () {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return (field.tagName === "TEXTAREA" || field.tagName === "INPUT") && field.value !== field.defaultValue;
    });
  };
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  if (editedAlready()) { changed(); }
  form.addEventListener("submit", function () { dirty = false; window.clearTimeout(timer); });
  window.addEventListener("online", save);
  window.addEventListener("pagehide", function () {
    if (dirty && navigator.sendBeacon) { navigator.sendBeacon(form.action, new FormData(form)); }
  });

  var clock = document.querySelector("[data-deadline]");
  if (clock) {
    var end = Date.now() + 1000 * parseInt(clock.getAttribute("data-deadline"), 10);
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left === 0) {
        save();
        window.setTimeout(function () { window.location.reload(); }, 1500);
        return;
      }
      window.setTimeout(tick, 1000);
    };
    clock.setAttribute("aria-live", "off");
    tick();
  }
}());
