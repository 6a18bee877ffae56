// Optional: the "Office" menu (a <details>) works without this. With it, Escape closes the menu
// and puts focus back on its button, and a click or focus elsewhere closes it, as menus do.
(function () {
  "use strict";
  var menus = document.querySelectorAll("details.office-menu");
  if (!menus.length) return;
  function closeAll(except) {
    menus.forEach(function (menu) { if (menu !== except) menu.open = false; });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    closeAll(event.target.closest ? event.target.closest("details.office-menu") : null);
  });
  document.addEventListener("focusin", function (event) {
    closeAll(event.target.closest ? event.target.closest("details.office-menu") : null);
  });
})();
