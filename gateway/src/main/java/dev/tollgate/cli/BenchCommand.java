package dev.tollgate.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code tollgate bench}: a load generator against any OpenAI-compatible base URL (Tollgate or not).
 * Closed loop, {@code --concurrency} requests in flight, for {@code --duration} seconds; prints a progress
 * line each second and then throughput, latency percentiles, time to first token for streams and the
 * errors by status. A URL that is not http(s), or a server that cannot be reached, is one clear line.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load-test any OpenAI-compatible base URL: throughput, latency percentiles, TTFT, errors by status.")
final class BenchCommand implements Callable<Integer> {

    static final int EXIT_BAD_ARGUMENTS = 2;
    static final int EXIT_UNREACHABLE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:4000/v1 (…/chat/completions is added).")
    String url;

    @Option(names = "--key", paramLabel = "K", description = "API key, sent as Authorization: Bearer (default: none).")
    String key;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8", description = "Requests in flight (1-1024, default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "10", description = "Seconds to run (1-3600, default: ${DEFAULT-VALUE}).")
    int duration;

    @Option(names = "--stream", description = "Stream the answers (SSE) and measure the time to the first token.")
    boolean stream;

    @Option(names = "--model", paramLabel = "M", defaultValue = "gpt-4o-mini", description = "Model to ask for (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--max-tokens", paramLabel = "T", defaultValue = "16", description = "max_tokens of each request (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "Say hello in one short sentence.", description = "The user message.")
    String prompt;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI endpoint;
        try {
            endpoint = endpoint(url);
            check(concurrency, 1, 1024, "--concurrency");
            check(duration, 1, 3600, "--duration");
            check(maxTokens, 1, 1_000_000, "--max-tokens");
        } catch (IllegalArgumentException e) {
            err.println("tollgate bench: " + e.getMessage());
            err.flush();
            return EXIT_BAD_ARGUMENTS;
        }
        LoadRun run = new LoadRun(new LoadRun.Plan(endpoint, key, concurrency, Duration.ofSeconds(duration), stream, body()));
        LoadRun.Outcome probe = run.probe();
        if (probe.error() != null && !probe.error().matches("\\d{3}")) {
            err.println("tollgate bench: cannot reach " + endpoint + ": " + probe.detail());
            err.flush();
            return EXIT_UNREACHABLE;
        }
        out.printf(Locale.ROOT, "Benchmarking %s: model %s, %d in flight, %d s%s (after one probe request, not counted)%n",
                endpoint, model, concurrency, duration, stream ? ", streamed" : "");
        out.flush();
        LoadRun.Result result = run.run(p -> {
            err.printf(Locale.ROOT, "  %3d s  %8d requests  %6d errors%n", p[2], p[0], p[1]);
            err.flush();
        });
        print(out, result);
        out.flush();
        return 0;
    }

    private String body() {
        ObjectNode body = JsonMapper.builder().build().createObjectNode().put("model", model).put("max_tokens", maxTokens);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        return body.toString();
    }

    static URI endpoint(String base) {
        URI uri;
        try {
            uri = new URI(base.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url '" + base + "' is not a URL (" + e.getReason() + "); expected e.g. http://127.0.0.1:4000/v1");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("--url '" + base + "' is not an http:// or https:// URL with a host; expected e.g. http://127.0.0.1:4000/v1");
        }
        String text = uri.toString().replaceAll("/+$", "");
        return URI.create(text.endsWith("/chat/completions") ? text : text + "/chat/completions");
    }

    private static void check(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + " to " + max + ")");
        }
    }

    static void print(PrintWriter out, LoadRun.Result r) {
        double seconds = r.elapsed().toNanos() / 1e9;
        out.printf(Locale.ROOT, "requests:    %d (%d ok, %d errors) in %.1f s%n", r.requests(), r.ok(), r.requests() - r.ok(), seconds);
        out.printf(Locale.ROOT, "throughput:  %.1f req/s (ok: %.1f req/s)%n", r.requests() / seconds, r.ok() / seconds);
        out.println("latency ms:  " + percentiles(r.latencies()) + "   (successful requests, to the last byte)");
        if (r.ttfts().length > 0) {
            out.println("ttft ms:     " + percentiles(r.ttfts()) + "   (time to the first content chunk)");
        }
        out.printf(Locale.ROOT, "tokens:      %d in, %d out (from the answers' usage)%n", r.inputTokens(), r.outputTokens());
        out.println("errors:      " + (r.errors().isEmpty() ? "none" : errors(r.errors())));
    }

    private static String errors(Map<String, Long> byStatus) {
        return byStatus.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
    }

    static String percentiles(long[] sortedNanos) {
        if (sortedNanos.length == 0) {
            return "none";
        }
        return String.format(Locale.ROOT, "p50 %.2f  p90 %.2f  p99 %.2f  max %.2f", ms(sortedNanos, 0.50), ms(sortedNanos, 0.90),
                ms(sortedNanos, 0.99), sortedNanos[sortedNanos.length - 1] / 1e6);
    }

    /** The nearest-rank percentile. */
    private static double ms(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
