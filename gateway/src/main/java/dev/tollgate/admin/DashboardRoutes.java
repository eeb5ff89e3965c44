package dev.tollgate.admin;

import dev.tollgate.api.JarResources;
import dev.tollgate.api.RouteTable;
import dev.tollgate.model.Sha256;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code GET /dashboard}: the web dashboard, static files from the jar (no build step, no network). The
 * page is open; everything it shows comes from the JSON APIs, with the key the user signs in with.
 *
 * <p>Every file is read into memory at start from {@code dev/tollgate/dashboard/} and from the uPlot
 * WebJar, so only files that ship are served (no path from a request ever reaches the file system). The
 * page's own files are revalidated ({@code no-cache} with an ETag, so an upgrade shows at once); uPlot is
 * served under its version and cached for a year. Every answer carries a strict Content-Security-Policy:
 * scripts, styles and requests from this origin only, no inline code, no frames.
 */
public final class DashboardRoutes {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String ROOT = "dev/tollgate/dashboard/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "json", "application/json");
    private static final byte[] NOT_FOUND = "{\"error\":{\"message\":\"no such dashboard file\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"not_found\"}}"
            .getBytes(StandardCharsets.UTF_8);

    /** One file as it is served. */
    record Asset(byte[] body, String type, String etag, boolean immutable) {
    }

    private final Map<String, Asset> assets;
    private final Asset page;

    private DashboardRoutes(Map<String, Asset> assets, Asset page) {
        this.assets = assets;
        this.page = page;
    }

    /** Loads the dashboard's files; a jar without them is a broken build, reported at start. */
    public static DashboardRoutes load() {
        ClassLoader loader = DashboardRoutes.class.getClassLoader();
        String version = uplotVersion(loader);
        Map<String, Asset> assets = new LinkedHashMap<>();
        String vendor = "vendor/uplot-" + version + "/";
        String dist = "META-INF/resources/webjars/uplot/" + version + "/";
        for (String file : List.of("dist/uPlot.esm.js", "dist/uPlot.min.css", "LICENSE")) {
            String name = file.substring(file.lastIndexOf('/') + 1);
            assets.put(vendor + name, prepare(name, read(loader, dist + file), true));
        }
        Map<String, byte[]> own = ownFiles(loader);
        byte[] index = own.remove("index.html");
        if (index == null) {
            throw new IllegalStateException("the dashboard's index.html is missing from the jar (" + ROOT + ")");
        }
        own.forEach((name, body) -> assets.put(name, prepare(name, body, false)));
        // The page names uPlot's versioned path, so that the library can be cached for good.
        byte[] html = new String(index, StandardCharsets.UTF_8).replace("@UPLOT@", "/dashboard/assets/" + vendor)
                .getBytes(StandardCharsets.UTF_8);
        return new DashboardRoutes(Map.copyOf(assets), prepare("index.html", html, false));
    }

    public void register(RouteTable r) {
        r.get("/dashboard").tag("dashboard").summary("The web dashboard (sign in with a key that has the analytics scope)")
                .reply(200, "An HTML page", null, "text/html").handle((req, res) -> send(req, res, page));
        r.get("/dashboard/").tag("dashboard").summary("The web dashboard")
                .reply(200, "An HTML page", null, "text/html").handle((req, res) -> send(req, res, page));
        r.get("/dashboard/assets/*").tag("dashboard").summary("The dashboard's scripts, styles and its chart library")
                .reply(200, "A static file", null, "").reply(304, "Not modified (If-None-Match)", null, "").errors(404)
                .handle(this::asset);
    }

    private void asset(ServerRequest req, ServerResponse res) {
        String name = req.path().path().substring("/dashboard/assets/".length());
        Asset a = assets.get(name);
        if (a == null) {
            res.status(Status.NOT_FOUND_404);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(NOT_FOUND);
            return;
        }
        send(req, res, a);
    }

    private static void send(ServerRequest req, ServerResponse res, Asset a) {
        res.header("Content-Security-Policy", CSP);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.header(HeaderNames.ETAG, a.etag());
        res.header(HeaderNames.CACHE_CONTROL, a.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
        boolean fresh = req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.equals(a.etag())).orElse(false);
        if (fresh) {
            res.status(Status.NOT_MODIFIED_304);
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, a.type());
        res.send(a.body());
    }

    /** A file as it is served: its type from its extension (plain text for none, like uPlot's LICENSE), its ETag. */
    private static Asset prepare(String name, byte[] body, boolean immutable) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        String type = TYPES.getOrDefault(ext, "text/plain; charset=utf-8");
        return new Asset(body, type, "\"" + HexFormat.of().formatHex(Sha256.of(body), 0, 12) + "\"", immutable);
    }

    /** The page's own files by their path under {@code dev/tollgate/dashboard/}, from a directory or from the jar. */
    private static Map<String, byte[]> ownFiles(ClassLoader loader) {
        URI root;
        try {
            var url = loader.getResource(ROOT + "index.html");
            if (url == null) {
                throw new IllegalStateException("the dashboard's files are missing from the class path (" + ROOT + ")");
            }
            root = url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the dashboard's location cannot be read: " + e.getMessage(), e);
        }
        if (root.getScheme().equals("jar")) {
            String spec = root.getRawSchemeSpecificPart();
            int bang = spec.indexOf("!/");
            try (FileSystem jar = FileSystems.newFileSystem(Path.of(URI.create(spec.substring(0, bang))))) {
                return walk(jar.getPath(spec.substring(bang + 1)).getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the dashboard's files from the jar", e);
            }
        }
        return walk(Path.of(root).getParent());
    }

    private static Map<String, byte[]> walk(Path dir) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = dir.relativize(p).toString().replace('\\', '/');
                if (TYPES.containsKey(name.substring(name.lastIndexOf('.') + 1))) {
                    out.put(name, Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard's files", e);
        }
        return out;
    }

    private static String uplotVersion(ClassLoader loader) {
        return JarResources.webjarVersion(loader, "org.webjars.npm", "uplot", "uPlot");
    }

    private static byte[] read(ClassLoader loader, String resource) {
        return JarResources.read(loader, resource);
    }
}
