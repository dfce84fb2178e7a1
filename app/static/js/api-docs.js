/* The API reference page (/api/v1/docs): Swagger UI from app/static/vendor/swagger-ui, rendering the
   spec the server generates (/api/v1/openapi.json). No inline script: the CSP allows only 'self'. */
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  if (!root || typeof window.SwaggerUIBundle !== "function") { return; }
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    docExpansion: "none",
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
    validatorUrl: null,            // no call to an outside validator
    tryItOutEnabled: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
