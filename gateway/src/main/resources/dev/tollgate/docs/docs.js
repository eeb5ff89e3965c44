// Renders Tollgate's /openapi.json with Swagger UI (served from the jar; no request leaves this origin:
// the online validator badge is off). "Try it out" sends the key given under "Authorize".
window.addEventListener('DOMContentLoaded', () => {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
