package dev.tollgate.api;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code x-tollgate-*} headers of proxied responses, and request-id handling. */
public final class ResponseHeaders {

    public static final String REQUEST_ID = "x-tollgate-request-id";
    static final HeaderName REQUEST_ID_NAME = HeaderNames.create(REQUEST_ID);
    private static final HeaderName PROVIDER = HeaderNames.create("x-tollgate-provider");
    private static final HeaderName MODEL = HeaderNames.create("x-tollgate-model");
    private static final HeaderName CACHE = HeaderNames.create("x-tollgate-cache");
    private static final HeaderName ROUTING_REASON = HeaderNames.create("x-tollgate-routing-reason");
    private static final HeaderName COST = HeaderNames.create("x-tollgate-cost-usd");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private ResponseHeaders() {
    }

    /** The client's {@code X-Tollgate-Request-Id} when it is a sane token, else a fresh id. */
    public static String requestId(String fromClient) {
        if (fromClient != null && CLIENT_ID.matcher(fromClient).matches()) {
            return fromClient;
        }
        return "req_" + dev.tollgate.model.TimeOrderedId.next().replace("-", "");
    }

    /**
     * Headers known once the route is chosen: provider, model, cache, routing reason, and the policies' (rate limits,
     * {@code x-tollgate-cache-similarity}).
     */
    public static void routed(ServerResponse res, RequestContext ctx) {
        ctx.deployment().ifPresent((Deployment d) -> {
            res.header(PROVIDER, safe(d.providerName()));
            res.header(MODEL, safe(d.upstreamModel()));
        });
        if (ctx.deployment().isEmpty()) {
            // A cache hit: the provider and model whose stored answer is replayed.
            ctx.cachedProvider().ifPresent(p -> res.header(PROVIDER, safe(p)));
            ctx.cachedModel().ifPresent(m -> res.header(MODEL, safe(m)));
        }
        res.header(CACHE, safe(ctx.cacheTier()));
        ctx.routingReason().ifPresent(reason -> res.header(ROUTING_REASON, safe(reason)));
        // The x-ratelimit-* family where limits apply: names of the gateway's own making, so cached.
        ctx.responseHeaders().forEach((name, value) -> res.header(HeaderNameCache.of(name), value));
    }

    /** Headers known once the call is settled (non-streamed answers only). */
    public static void settled(ServerResponse res, UsageEvent event) {
        if (event.priceKnown()) {
            res.header(COST, usd(event.costUsd()));
        }
    }

    /** Dollars with eight decimals, as {@code %.8f} writes them (half up from the shortest decimal), without a Formatter per call. */
    static String usd(double cost) {
        return Double.isFinite(cost) ? new BigDecimal(Double.toString(cost)).setScale(8, RoundingMode.HALF_UP).toPlainString()
                : String.format(Locale.ROOT, "%.8f", cost);
    }

    /**
     * Headers of another's making (an upstream's retry hints and rate limits, an error's): a name that is not an HTTP
     * token is left out, a value is made {@link #safe}. Helidon does not check response headers again (GatewayServer).
     */
    public static void passOn(ServerResponse res, Map<String, String> headers) {
        headers.forEach((name, value) -> {
            if (isToken(name)) {
                res.header(name, safe(value));
            }
        });
    }

    /** RFC 9110's token: the characters a header name may have. */
    static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSafe(String value) {
        if (value.length() > 512) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Header values must be visible ASCII; anything else becomes '?'. */
    static String safe(String value) {
        if (isSafe(value)) {
            return value; // the usual case: nothing to replace, nothing to copy
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 512));
        for (int i = 0; i < value.length() && i < 512; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
