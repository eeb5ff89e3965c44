package dev.tollgate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One closed-loop load run of {@code tollgate bench}: {@code concurrency} virtual threads, each sending
 * one chat completion after the other until the deadline, recording latency (to the last byte), time to
 * the first content chunk of streams, and the outcome by HTTP status. Each request has a time limit, and
 * requests still running a grace period after the deadline are abandoned, so a run always ends.
 */
final class LoadRun {

    /** What to send, how hard and for how long. */
    record Plan(URI endpoint, String key, int concurrency, Duration duration, boolean stream, String body) {
    }

    /** The figures of a finished run; latencies (of successful requests) in nanoseconds, sorted. */
    record Result(long requests, long ok, Map<String, Long> errors, long[] latencies, long[] ttfts, Duration elapsed,
                  long inputTokens, long outputTokens) {
    }

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final Plan plan;
    private final HttpClient http;
    private final LongAdder done = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLong inputTokens = new AtomicLong();
    private final AtomicLong outputTokens = new AtomicLong();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    LoadRun(Plan plan) {
        this.plan = plan;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** Sends one request and reports how it went (the pre-flight that tells a wrong URL from a slow server). */
    Outcome probe() {
        Outcome outcome = send();
        inputTokens.set(0); // the run's figures are the run's own
        outputTokens.set(0);
        return outcome;
    }

    /** Runs the plan; {@code progress} is called about once a second with the requests done and failed so far. */
    Result run(Consumer<long[]> progress) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + plan.duration().toNanos();
        List<long[]> latencies = new ArrayList<>();
        List<long[]> ttfts = new ArrayList<>();
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < plan.concurrency(); i++) {
            Recorder r = new Recorder();
            recorders.add(r);
            workers.submit(() -> loop(r, deadline));
        }
        workers.shutdown();
        // Workers stop by themselves at the deadline; this wakes once a second to report, and gives up on
        // requests still running a grace period later.
        while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
            progress.accept(new long[] {done.sum(), failed.sum(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)});
            if (System.nanoTime() > deadline + GRACE.toNanos()) {
                workers.shutdownNow();
                workers.awaitTermination(5, TimeUnit.SECONDS);
                break;
            }
        }
        Duration elapsed = Duration.ofNanos(Math.min(System.nanoTime(), deadline) - start);
        http.shutdownNow();
        for (Recorder r : recorders) {
            synchronized (r) {
                latencies.add(Arrays.copyOf(r.latencies, r.count));
                ttfts.add(Arrays.copyOf(r.ttfts, r.ttftCount));
            }
        }
        Map<String, Long> byStatus = new TreeMap<>();
        errors.forEach((k, v) -> byStatus.put(k, v.sum()));
        long requests = done.sum();
        return new Result(requests, requests - failed.sum(), byStatus, merged(latencies), merged(ttfts), elapsed,
                inputTokens.get(), outputTokens.get());
    }

    private void loop(Recorder recorder, long deadline) {
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            long began = System.nanoTime();
            Outcome outcome = send();
            long took = System.nanoTime() - began;
            if (outcome.error() == null) {
                synchronized (recorder) {
                    recorder.add(took, outcome.ttftNanos());
                }
            } else {
                errors.computeIfAbsent(outcome.error(), k -> new LongAdder()).increment();
                failed.increment();
            }
            done.increment();
        }
    }

    /** How one request ended: {@code error} is null on a 2xx answer, else the status or the failure's kind. */
    record Outcome(String error, long ttftNanos, String detail) {
    }

    private Outcome send() {
        HttpRequest.Builder request = HttpRequest.newBuilder(plan.endpoint()).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(plan.body()));
        if (plan.key() != null) {
            request.header("Authorization", "Bearer " + plan.key());
        }
        long began = System.nanoTime();
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    String text = new String(body.readNBytes(2_048), StandardCharsets.UTF_8);
                    return new Outcome(Integer.toString(response.statusCode()), -1, text);
                }
                return plan.stream() ? readStream(body, began) : readWhole(body);
            }
        } catch (java.net.ConnectException e) {
            return new Outcome("connect", -1, "connection refused or unreachable");
        } catch (java.net.http.HttpTimeoutException e) {
            return new Outcome("timeout", -1, "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            return new Outcome("io", -1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome("abandoned", -1, "still running when the run ended");
        }
    }

    private Outcome readWhole(InputStream body) throws IOException {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        countUsage(text);
        return new Outcome(null, -1, null);
    }

    private Outcome readStream(InputStream body, long began) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        long ttft = -1;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                break;
            }
            if (data.startsWith("{\"error\"")) {
                return new Outcome("stream_error", ttft, data);
            }
            if (ttft < 0 && data.contains("\"content\":\"") && !data.contains("\"content\":\"\"")) {
                ttft = System.nanoTime() - began;
            }
            countUsage(data);
        }
        return new Outcome(null, ttft, null);
    }

    /** Adds an answer's {@code usage} (the last chunk of a stream carries it when asked for). */
    private void countUsage(String json) {
        int at = json.indexOf("\"usage\"");
        if (at < 0) {
            return;
        }
        inputTokens.addAndGet(number(json, "\"prompt_tokens\":", at));
        outputTokens.addAndGet(number(json, "\"completion_tokens\":", at));
    }

    private static long number(String json, String field, int from) {
        int at = json.indexOf(field, from);
        if (at < 0) {
            return 0;
        }
        int i = at + field.length();
        while (i < json.length() && json.charAt(i) == ' ') {
            i++;
        }
        long n = 0;
        for (; i < json.length() && Character.isDigit(json.charAt(i)); i++) {
            n = n * 10 + (json.charAt(i) - '0');
        }
        return n;
    }

    private static long[] merged(List<long[]> parts) {
        long[] out = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(out);
        return out;
    }

    /** One worker's latencies; guarded by its own monitor (one writer, read once at the end). */
    private static final class Recorder {
        long[] latencies = new long[1024];
        long[] ttfts = new long[1024];
        int count;
        int ttftCount;

        void add(long latency, long ttft) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = latency;
            if (ttft >= 0) {
                if (ttftCount == ttfts.length) {
                    ttfts = Arrays.copyOf(ttfts, ttftCount * 2);
                }
                ttfts[ttftCount++] = ttft;
            }
        }
    }
}
