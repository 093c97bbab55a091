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
