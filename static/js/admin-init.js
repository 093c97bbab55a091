// Wagtail admin without inline scripts. Wagtail 8 starts date/time pickers and inline panels
// with small inline <script> elements, which the Content-Security-Policy (script-src 'self')
// refuses. Our overrides of those templates (templates/wagtailadmin/) render
// <span hidden data-admin-init="NAME" data-options="JSON" [data-target-id="ID"]> instead,
// and this file makes the same calls, for the page as loaded and for content added later
// (modals, new inline forms).
(function () {
  "use strict";
  var FUNCTIONS = ["initDateChooser", "initDateTimeChooser", "initTimeChooser"];
  var CLASSES = ["InlinePanel", "MultipleChooserPanel"];

  function start(element) {
    var name = element.getAttribute("data-admin-init");
    var options = JSON.parse(element.getAttribute("data-options") || "{}");
    if (FUNCTIONS.indexOf(name) !== -1 && typeof window[name] === "function") {
      window[name](element.getAttribute("data-target-id"), options);
    } else if (CLASSES.indexOf(name) !== -1 && typeof window[name] === "function") {
      new window[name](options); // eslint-disable-line no-new
    } else {
      return false;
    }
    return true;
  }

  function startAll(root) {
    var elements = (root.querySelectorAll ? root : document).querySelectorAll("[data-admin-init]");
    Array.prototype.forEach.call(elements, function (element) {
      if (element.hasAttribute("data-admin-init-done")) { return; }
      // Inside a <template> (an inline panel's empty form) nothing runs until it is copied.
      if (element.closest("template")) { return; }
      if (start(element)) { element.setAttribute("data-admin-init-done", ""); }
    });
  }

  function boot() {
    startAll(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        Array.prototype.forEach.call(mutation.addedNodes, function (node) {
          if (node.nodeType !== 1) { return; }
          if (node.hasAttribute("data-admin-init")) { startAll(node.parentNode); } else { startAll(node); }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
