package dev.tollgate.sdk;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports tracked calls to Tollgate's {@code POST /api/log} from one background thread.
 *
 * <p><b>Design.</b> The application's threads only offer events to a bounded queue: no I/O, no lock
 * held for longer than the offer, no waiting. When the queue is full the event is dropped and counted
 * ({@link ReporterStats#dropped()}), and the first drop is logged; nothing is thrown. One daemon thread
 * drains the queue in batches of up to {@code batchSize} and posts each with the JDK HTTP client. It
 * parks for {@code flushInterval} while the queue is empty, and is woken early when a batch's worth has
 * been queued, by {@link #flush} and by {@link #close}.
 *
 * <p><b>Failures.</b> A refused connection, a timeout, a 429, a 5xx or any other unexpected answer is
 * retried with exponential backoff and jitter ({@code Retry-After} honoured), as the same batch with the
 * same event ids: Tollgate stores events by id, so a request that timed out after it was stored does
 * not store anything twice. Events wait in the queue meanwhile (the queue bound caps memory). A 400
 * that names {@code events[i]} drops that one event (counted as refused, logged) and resends the rest at
 * once; a 400 naming no event refuses the batch. An outage is logged once when it starts and once when
 * it ends, never per retry. The API key is never logged.
 *
 * <p><b>Shutdown.</b> {@link #close} (also run by a JVM shutdown hook unless configured off) keeps
 * delivering for at most {@code shutdownTimeout}; what is left then is counted as abandoned and logged.
 */
public final class HttpUsageReporter implements UsageReporter {

    private static final System.Logger LOG = System.getLogger("dev.tollgate.sdk");
    private static final Pattern EVENT_PARAM = Pattern.compile("\"param\"\\s*:\\s*\"events\\[(\\d+)]");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String USER_AGENT = "tollgate-sdk-java/0.1";

    private final TollgateConfig config;
    private final URI url;
    private final HttpClient http;
    private final ArrayBlockingQueue<UsageRecord> queue;
    private final Thread worker;
    private final Random jitter = new Random();
    private final Object settledSignal = new Object();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong failedRequests = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final AtomicInteger flushWaiters = new AtomicInteger();
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;
    private volatile long closeDeadline;
    private Thread hook;
    private boolean outage;

    private HttpUsageReporter(TollgateConfig config) {
        this.config = config;
        this.url = config.logUrl();
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).version(HttpClient.Version.HTTP_1_1).build();
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.worker = new Thread(this::run, "tollgate-usage-reporter");
        this.worker.setDaemon(true);
    }

    /** A reporter with its thread running (and its shutdown hook registered, unless configured off). */
    public static HttpUsageReporter start(TollgateConfig config) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("tracking is disabled in this configuration (no apiUrl): use UsageReporter.NONE");
        }
        HttpUsageReporter reporter = new HttpUsageReporter(config);
        reporter.worker.start();
        if (config.shutdownHook()) {
            reporter.hook = new Thread(reporter::close, "tollgate-usage-reporter-shutdown");
            Runtime.getRuntime().addShutdownHook(reporter.hook);
        }
        return reporter;
    }

    @Override
    public boolean report(UsageRecord record) {
        if (closing) {
            drop("the reporter is closed");
            return false;
        }
        if (!queue.offer(record)) {
            drop("the queue is full (" + config.queueCapacity() + " events; Tollgate slow or unreachable?)");
            return false;
        }
        if (queued.incrementAndGet() % config.batchSize() == 0) {
            LockSupport.unpark(worker);
        }
        return true;
    }

    @Override
    public boolean flush(Duration timeout) {
        long target = queued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        flushWaiters.incrementAndGet();
        try {
            LockSupport.unpark(worker);
            synchronized (settledSignal) {
                while (settled.get() < target) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !worker.isAlive()) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(settledSignal, left);
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            flushWaiters.decrementAndGet();
        }
    }

    @Override
    public ReporterStats stats() {
        long q = queued.get();
        return new ReporterStats(q, delivered.get(), dropped.get(), refused.get(), abandoned.get(), failedRequests.get(),
                Math.max(0, q - settled.get()));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeDeadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        closing = true;
        LockSupport.unpark(worker);
        try {
            worker.join(config.shutdownTimeout().toMillis() + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        abandonQueued();
        removeHook();
        long lost = abandoned.get();
        if (lost > 0) {
            LOG.log(Level.WARNING, "Tollgate usage reporting: " + lost + " usage event(s) could not be delivered to " + url
                    + " within the shutdown timeout of " + config.shutdownTimeout().toMillis() + " ms");
        }
    }

    // ---------------------------------------------------------------- the worker thread

    private void run() {
        List<UsageRecord> batch = new ArrayList<>(config.batchSize());
        try {
            while (true) {
                batch.clear();
                queue.drainTo(batch, config.batchSize());
                if (batch.isEmpty()) {
                    if (closing) {
                        return;
                    }
                    LockSupport.parkNanos(this, config.flushInterval().toNanos());
                    continue;
                }
                deliver(batch);
                if (closing && System.nanoTime() >= closeDeadline) {
                    abandonQueued();
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "Tollgate usage reporting stopped after an unexpected error; tracked calls are no longer reported", e);
            abandonQueued();
        }
    }

    /** Sends one batch until every event of it is settled: stored, refused, or abandoned at shutdown. */
    private void deliver(List<UsageRecord> batch) {
        List<UsageRecord> pending = new ArrayList<>(batch);
        int failures = 0;
        while (!pending.isEmpty()) {
            if (closing && System.nanoTime() >= closeDeadline) {
                settle(abandoned, pending.size());
                return;
            }
            Attempt attempt = post(pending);
            if (attempt.kind != Attempt.Kind.RETRY && outage) {
                outage = false;
                LOG.log(Level.INFO, "Tollgate usage reporting: " + url + " answers again after " + failures
                        + " failed request(s); queued events are being delivered");
            }
            switch (attempt.kind) {
                case STORED -> {
                    settle(delivered, pending.size());
                    return;
                }
                case EVENT_REFUSED -> {
                    UsageRecord bad = pending.remove(attempt.index);
                    LOG.log(Level.WARNING, "Tollgate refused usage event " + bad.eventId() + " (" + attempt.problem
                            + "); it is dropped, the rest of its batch is sent again");
                    settle(refused, 1);
                }
                case BATCH_REFUSED -> {
                    LOG.log(Level.WARNING, "Tollgate refused a batch of " + pending.size() + " usage event(s) (" + attempt.problem
                            + "); they are dropped");
                    settle(refused, pending.size());
                    return;
                }
                case RETRY -> {
                    failedRequests.incrementAndGet();
                    failures++;
                    if (!outage) {
                        outage = true;
                        LOG.log(Level.WARNING, "Tollgate usage reporting: POST " + url + " failed (" + attempt.problem
                                + "); events stay queued and are retried with backoff; the application's calls are not affected");
                    }
                    backoff(failures, attempt.retryAfterMillis);
                }
                default -> throw new IllegalStateException("unknown attempt " + attempt.kind);
            }
        }
    }

    private Attempt post(List<UsageRecord> events) {
        Duration timeout = config.requestTimeout();
        if (closing) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(closeDeadline - System.nanoTime()));
            timeout = Duration.ofMillis(Math.min(timeout.toMillis(), left));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT).POST(HttpRequest.BodyPublishers.ofString(UsageRecordJson.batch(events)));
        if (config.apiKey() != null) {
            request.header("Authorization", "Bearer " + config.apiKey());
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return answered(response, events.size());
        } catch (HttpTimeoutException e) {
            return Attempt.retry("no answer within " + timeout.toMillis() + " ms", 0);
        } catch (ConnectException e) {
            return Attempt.retry("cannot connect: " + (e.getMessage() == null ? "connection refused" : e.getMessage()), 0);
        } catch (IOException e) {
            return Attempt.retry(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Attempt.retry("interrupted", 0);
        }
    }

    private static Attempt answered(HttpResponse<String> response, int size) {
        int status = response.statusCode();
        String message = message(response.body());
        if (status >= 200 && status < 300) {
            return Attempt.STORED;
        }
        if (status == 400) {
            Matcher m = EVENT_PARAM.matcher(response.body());
            if (m.find() && Integer.parseInt(m.group(1)) < size) {
                return new Attempt(Attempt.Kind.EVENT_REFUSED, Integer.parseInt(m.group(1)), "400: " + message, 0);
            }
            return new Attempt(Attempt.Kind.BATCH_REFUSED, -1, "400: " + message, 0);
        }
        if (status == 413) {
            return new Attempt(Attempt.Kind.BATCH_REFUSED, -1, "413: " + message, 0);
        }
        String hint = switch (status) {
            case 401, 403 -> " (Tollgate refused the SDK's API key; check TOLLGATE_API_KEY, which needs scope infer)";
            case 404 -> " (is TOLLGATE_API_URL the gateway's base URL, such as http://localhost:4000, without /v1?)";
            default -> "";
        };
        return Attempt.retry("HTTP " + status + ": " + message + hint, retryAfterMillis(response));
    }

    private static String message(String body) {
        Matcher m = MESSAGE.matcher(body == null ? "" : body);
        String text = m.find() ? m.group(1).replace("\\\"", "\"") : (body == null ? "" : body.strip());
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static long retryAfterMillis(HttpResponse<String> response) {
        return response.headers().firstValue("retry-after").map(v -> {
            try {
                return Math.max(0, Long.parseLong(v.trim())) * 1_000;
            } catch (NumberFormatException e) {
                return 0L; // an HTTP date: the exponential backoff applies instead
            }
        }).orElse(0L);
    }

    /** Waits before the next attempt, shortened by a close so the shutdown timeout holds. */
    private void backoff(int failures, long retryAfterMillis) {
        long delay = backoffNanos(failures, config.initialBackoff().toNanos(), config.maxBackoff().toNanos(), jitter.nextDouble());
        delay = Math.min(config.maxBackoff().toNanos(), Math.max(delay, TimeUnit.MILLISECONDS.toNanos(retryAfterMillis)));
        long wakeAt = System.nanoTime() + delay;
        while (true) {
            long until = closing ? Math.min(wakeAt, closeDeadline) : wakeAt;
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(this, left);
        }
    }

    /**
     * The wait after the {@code failures}-th failure in a row: {@code initial} doubled per failure, capped at
     * {@code max}, of which a random half ({@code random} in [0, 1)) is taken off so that many instances
     * coming back from one outage spread their retries.
     */
    static long backoffNanos(int failures, long initial, long max, double random) {
        long base = Math.min(max, initial << Math.min(Math.max(failures - 1, 0), 20));
        return base - (long) (random * (base / 2));
    }

    private void settle(AtomicLong outcome, int n) {
        outcome.addAndGet(n);
        settled.addAndGet(n);
        if (flushWaiters.get() > 0) {
            synchronized (settledSignal) {
                settledSignal.notifyAll();
            }
        }
    }

    private void abandonQueued() {
        List<UsageRecord> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            settle(abandoned, left.size());
        }
    }

    private void drop(String why) {
        dropped.incrementAndGet();
        if (dropLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "Tollgate usage reporting: an event was dropped because " + why
                    + "; further drops are counted without logging (TrackedCompletion.stats().dropped())");
        }
    }

    private void removeHook() {
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down already: the hook runs, finds the reporter closed, and returns.
            LOG.log(Level.DEBUG, "shutdown in progress; the reporter's hook stays registered");
        }
    }

    /** The outcome of one request to Tollgate. */
    private record Attempt(Kind kind, int index, String problem, long retryAfterMillis) {

        enum Kind { STORED, EVENT_REFUSED, BATCH_REFUSED, RETRY }

        static final Attempt STORED = new Attempt(Kind.STORED, -1, null, 0);

        static Attempt retry(String problem, long retryAfterMillis) {
            return new Attempt(Kind.RETRY, -1, problem, retryAfterMillis);
        }
    }
}
