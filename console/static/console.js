// The console's keyboard: N next in the queue, C confirm (a dialog; Enter says yes),
// R return (to the comments), Q back to the queue, Esc closes. Keys are ignored while typing.
// htmx requests carry the session's CSRF token as a header.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.body.dataset.csrf;
    if (token) { event.detail.headers["X-CSRF-Token"] = token; }
  });
  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  var KEYS = { n: "n", "د": "n", c: "c", "ز": "c", r: "r", "ق": "r", q: "q", "ض": "q" };
  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.getElementById("confirm-dialog");
    var open = document.getElementById("confirm-open");
    if (dialog && open) {
      open.addEventListener("click", function () { dialog.showModal(); });
      document.getElementById("confirm-cancel").addEventListener("click", function () {
        dialog.close();
      });
    }
    var back = document.getElementById("return-open");
    if (back) {
      back.addEventListener("click", function () {
        var first = document.querySelector("#return-form textarea");
        document.getElementById("return").scrollIntoView();
        if (first) { first.focus(); }
      });
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var dialog = document.getElementById("confirm-dialog");
    if (dialog && dialog.open) { return; }
    var key = KEYS[event.key.toLowerCase()];
    if (!key) { return; }
    var target = document.querySelector('[data-key="' + key + '"]');
    if (target) { event.preventDefault(); target.click(); }
  });
})();
