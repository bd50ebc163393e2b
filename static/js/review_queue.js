// The review queue's keyboard: j/k move between items, a accepts, e opens the
// edit form, r goes to the reason, Enter submits, Esc leaves a field. The page
// works without it (every decision is a plain form too).
(function () {
  "use strict";
  var currentId = null;

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  }

  function current() {
    return currentId && document.getElementById(currentId);
  }

  function select(item) {
    if (!item) return;
    items().forEach(function (el) { el.classList.remove("is-current"); });
    item.classList.add("is-current");
    currentId = item.id;
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var list = items();
    var at = list.indexOf(current());
    var next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), list.length - 1);
    select(list[next]);
  }

  function focusFirst(container, selector) {
    var field = container && container.querySelector(selector);
    if (field) field.focus();
    return field;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || !document.getElementById("review-queue")) return;
    var target = event.target;
    var field = target.closest && target.closest("input, select, textarea");
    if (field) {
      if (event.key === "Escape") {
        field.blur();
        select(field.closest(".queue-item"));
      } else if (event.key === "Enter" && field.tagName === "SELECT" && field.form) {
        event.preventDefault();  // a select does not submit its form on Enter by itself
        field.form.requestSubmit();
      }
      return;  // typing: letters are text, and Enter submits the field's form
    }
    var item = current();
    if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (event.key === "a" && item) {
      var accept = item.querySelector("form.queue-accept");
      if (accept) accept.requestSubmit();
    } else if (event.key === "e" && item) {
      var details = item.querySelector("details.queue-edit");
      if (!details) return;
      details.open = true;
      focusFirst(details, "input:not([type=hidden]), select, textarea");
    } else if (event.key === "r" && item) {
      if (!focusFirst(item, "input[name=reason]")) return;
    } else return;
    event.preventDefault();
  });

  // A decision swaps the item (or its group) for a new element: keep the place.
  document.addEventListener("htmx:afterSettle", function () {
    var item = current();
    if (item) select(item);
  });

  document.addEventListener("DOMContentLoaded", function () {
    select(items()[0]);
  });
})();
