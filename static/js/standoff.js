// Standoff: small enhancements on top of htmx; every page works without them.
// Filter forms marked data-drop-empty send only the filters in use, so that
// pushed addresses stay short and readable (?country=IN, not ?q=&country=IN&...).
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt.closest && event.detail.elt.closest("form[data-drop-empty]");
  if (!form) return;
  var params = event.detail.parameters;
  Object.keys(params).forEach(function (key) {
    if (params[key] === "") delete params[key];
  });
});
