// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The header menu is a <details> so it works without JavaScript on phones; on wide
  // screens keep it open, since there is room for it.
  var menu = document.querySelector("[data-menu]");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 60em)");
    var sync = function () { if (wide.matches) { menu.setAttribute("open", ""); } };
    sync();
    if (wide.addEventListener) { wide.addEventListener("change", sync); }
  }
})();

// Self-check lists: remember the reader's ticks on this device (nothing is sent anywhere).
(function () {
  "use strict";
  var lists = document.querySelectorAll("[data-self-check]");
  Array.prototype.forEach.call(lists, function (list) {
    var key = "self-check:" + list.getAttribute("data-self-check");
    var saved = {};
    try { saved = JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (e) { saved = {}; }
    Array.prototype.forEach.call(list.querySelectorAll("input[type=checkbox]"), function (box) {
      box.checked = !!saved[box.name];
      box.addEventListener("change", function () {
        saved[box.name] = box.checked;
        try { window.localStorage.setItem(key, JSON.stringify(saved)); } catch (e) { /* private mode */ }
      });
    });
  });
})();
