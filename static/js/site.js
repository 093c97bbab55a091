// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The header menu is a <details> so it works without JavaScript on phones; on wide
  // screens (the one-band header in site.css, 64em and up) keep it open, since it fits.
  var menu = document.querySelector("[data-menu]");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 64em)");
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

// Compendium: apply a facet as soon as it is ticked, and suggest titles while typing.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosubmit]"), function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { form.submit(); }
    });
  });
  var search = document.querySelector("form[data-suggest-url]");
  if (search && window.fetch) {
    var input = search.querySelector("input[type=search]");
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      if (input.value.length < 2) { return; }
      timer = window.setTimeout(function () {
        var url = search.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(input.value);
        window.fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.suggestions.forEach(function (title) {
              var option = document.createElement("option");
              option.value = title;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 200);
    });
  }
  // "Back to the compendium" returns to the same search (filters kept) when we came from it.
  var back = document.querySelector("[data-back]");
  if (back && document.referrer) {
    try {
      var from = new URL(document.referrer);
      var target = new URL(back.href);
      if (from.origin === target.origin && from.pathname === target.pathname) { back.href = document.referrer; }
    } catch (e) { /* keep the plain link */ }
  }
})();
