/* Small enhancements on top of htmx. Every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var focus = target && target.querySelector("[data-focus-on-arrival]:last-of-type");
    if (focus) {
      focus.removeAttribute("data-focus-on-arrival");
      focus.focus();
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form && form.hasAttribute("data-reset-on-success")) {
      form.reset();
    }
  });
  /* A refused question comes back as a full page (422): show it instead of appending it.
     "Too many requests" (429) comes back as a message that names its place (HX-Retarget):
     show it there; the form keeps what was typed. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 429 && xhr.getResponseHeader("HX-Retarget")) {
      event.detail.shouldSwap = true;  /* still an error: the form is not reset */
      return;
    }
    if (xhr.status === 422) {
      event.detail.shouldSwap = false;
      var source = event.detail.requestConfig ? event.detail.requestConfig.elt : event.detail.elt;
      var form = source && source.closest ? source.closest("form") : null;
      if (form) {
        form.removeAttribute("hx-post");
        HTMLFormElement.prototype.submit.call(form);
      }
    }
  });
})();
