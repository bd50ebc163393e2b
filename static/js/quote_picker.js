// Evidence admin: selecting a passage of the article text (data-quote-picker) fills the
// quote and its offsets in the same evidence form. Offsets count Unicode code points, as
// Python does; the server checks the quote against the article and trims it again.
"use strict";
(function () {
  function length(text) {
    return Array.from(text).length;
  }

  function field(form, name) {
    return form.querySelector('[name$="-' + name + '"], [name="' + name + '"]');
  }

  function pick() {
    var selection = window.getSelection();
    if (!selection || !selection.rangeCount || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var picker = start && start.closest("[data-quote-picker]");
    if (!picker || !picker.contains(range.endContainer)) return;
    var form = picker.closest(".inline-related") || picker.closest("form");
    var quote = field(form, "quote"), from = field(form, "quote_start"), to = field(form, "quote_end");
    if (!quote || !from || !to) return;

    var before = document.createRange();
    before.selectNodeContents(picker);
    before.setEnd(range.startContainer, range.startOffset);
    var text = range.toString();
    var trimmed = text.trim();
    if (!trimmed) return;
    var offset = length(before.toString()) + length(text.slice(0, text.length - text.trimStart().length));
    quote.value = trimmed;
    from.value = offset;
    to.value = offset + length(trimmed);
    [quote, from, to].forEach(function (input) {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  document.addEventListener("mouseup", pick);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey) pick();
  });
})();
