package dev.tollgate.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /docs}: Swagger UI rendering {@code /openapi.json}, served from the Swagger UI WebJar and two
 * small files of our own ({@code dev/tollgate/docs/}), all read into memory at start, so no request
 * leaves the gateway and no path from a request reaches the file system. Swagger UI is served under its
 * version and cached for a year. The Content-Security-Policy allows what Swagger UI needs, from this
 * origin only: its script and styles, the inline style attributes React sets, {@code data:} images (its
 * icons) and requests to this origin ("Try it out").
 */
public final class SwaggerUiRoutes {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final String OWN = "dev/tollgate/docs/";
    private static final byte[] NOT_FOUND = "{\"error\":{\"message\":\"no such docs file\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"not_found\"}}"
            .getBytes(StandardCharsets.UTF_8);

    /** One file as served. */
    private record Asset(byte[] body, String type, boolean immutable) {
    }

    private final Map<String, Asset> assets;
    private final Asset page;

    private SwaggerUiRoutes(Map<String, Asset> assets, Asset page) {
        this.assets = assets;
        this.page = page;
    }

    /** Loads the files; a jar without them is a broken build, reported at start. */
    public static SwaggerUiRoutes load() {
        ClassLoader loader = SwaggerUiRoutes.class.getClassLoader();
        String version = JarResources.webjarVersion(loader, "org.webjars", "swagger-ui", "Swagger UI");
        String vendor = "swagger-ui-" + version + "/";
        String dist = "META-INF/resources/webjars/swagger-ui/" + version + "/";
        Map<String, Asset> assets = new HashMap<>();
        assets.put(vendor + "swagger-ui-bundle.js", new Asset(JarResources.read(loader, dist + "swagger-ui-bundle.js"), "text/javascript; charset=utf-8", true));
        assets.put(vendor + "swagger-ui.css", new Asset(JarResources.read(loader, dist + "swagger-ui.css"), "text/css; charset=utf-8", true));
        assets.put(vendor + "favicon-32x32.png", new Asset(JarResources.read(loader, dist + "favicon-32x32.png"), "image/png", true));
        assets.put(vendor + "LICENSE.txt", new Asset(JarResources.read(loader, dist + "swagger-ui-bundle.js.LICENSE.txt"), "text/plain; charset=utf-8", true));
        assets.put("docs.js", new Asset(JarResources.read(loader, OWN + "docs.js"), "text/javascript; charset=utf-8", false));
        assets.put("docs.css", new Asset(JarResources.read(loader, OWN + "docs.css"), "text/css; charset=utf-8", false));
        byte[] html = new String(JarResources.read(loader, OWN + "index.html"), StandardCharsets.UTF_8).replace("@SWAGGER@", "/docs/assets/" + vendor)
                .getBytes(StandardCharsets.UTF_8);
        return new SwaggerUiRoutes(Map.copyOf(assets), new Asset(html, "text/html; charset=utf-8", false));
    }

    public void page(ServerRequest req, ServerResponse res) {
        send(res, page);
    }

    public void asset(ServerRequest req, ServerResponse res) {
        Asset a = assets.get(req.path().path().substring("/docs/assets/".length()));
        if (a == null) {
            res.status(Status.NOT_FOUND_404);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(NOT_FOUND);
            return;
        }
        send(res, a);
    }

    private static void send(ServerResponse res, Asset a) {
        res.header("Content-Security-Policy", CSP);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.header(HeaderNames.CACHE_CONTROL, a.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
        res.header(HeaderNames.CONTENT_TYPE, a.type());
        res.send(a.body());
    }
}
