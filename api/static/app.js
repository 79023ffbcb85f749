/* CCHC Tracker: small progressive enhancements (the pages work without them; the
   Content-Security-Policy allows scripts from /static only, so nothing here is inline).
   - the error summary takes focus when a form comes back with errors (a page, or a part HTMX
     swapped in), and its links move the focus to their field;
   - a form posts once: its buttons are disabled on submit (a double click sends nothing more);
   - on a narrow screen the main menu folds behind a "Menu" button. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var folded = field.closest("details");
      if (folded) { folded.open = true; }
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  function postOnce(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post" || form.hasAttribute("hx-post")) {
      return;
    }
    if (form.dataset.sent === "yes") {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "yes";
    // After this event, so the button that was pressed is still sent with the form.
    window.setTimeout(function () {
      form.querySelectorAll("button[type='submit'], button:not([type])").forEach(function (button) {
        button.disabled = true;
        button.classList.add("is-sending");
      });
    }, 0);
  }

  function enableAgain(event) {
    // Coming back with the Back button shows the page as it was left: let it be sent again.
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-sent='yes']").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button").forEach(function (button) {
        button.disabled = false;
        button.classList.remove("is-sending");
      });
    });
  }

  function foldMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    var header = document.querySelector(".top");
    if (!toggle || !header || toggle.dataset.folds) { return; }
    toggle.dataset.folds = "yes";
    toggle.hidden = false;
    header.classList.add("menu-folds");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
  }

  document.addEventListener("submit", postOnce);
  // A form that swaps itself in place (HTMX) and comes back with errors: the same focus as a page.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.querySelector && event.target.querySelector("[data-error-summary]")) {
      focusErrorSummary();
    }
    foldMenu();  // the menu an error page loads once it knows who is signed in (/header-menu)
  });
  window.addEventListener("pageshow", enableAgain);
  document.addEventListener("DOMContentLoaded", function () {
    foldMenu();
    focusErrorSummary();
  });
})();
