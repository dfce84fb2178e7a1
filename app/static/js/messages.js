/* The interface messages of the page's scripts, in the page's language. base.html writes them, translated on
   the server, as JSON into <meta name="sp-messages" content> (keys and Indonesian sources:
   app/common/js_messages.py) and loads this file before any other script. `spText(key, params)` answers the
   message with its %(name)s placeholders filled in; `spLocale()` the page's language for Intl and Chart.js. */
(function () {
  "use strict";

  var catalog = null;

  function messages() {
    if (catalog === null) {
      var node = document.querySelector("meta[name='sp-messages']");
      try {
        catalog = node ? JSON.parse(node.getAttribute("content")) : {};
      } catch (err) {
        catalog = {};
      }
    }
    return catalog;
  }

  window.spText = function (key, params) {
    var text = messages()[key];
    if (typeof text !== "string") {
      return key;  // tests/common/test_js_messages.py keeps every key used here in the catalog
    }
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  };

  window.spLocale = function () {
    return document.documentElement.lang || "id";
  };
})();
