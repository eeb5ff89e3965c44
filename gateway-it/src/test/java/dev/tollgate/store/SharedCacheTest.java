package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.testing.MockUpstream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances whose exact cache is the shared Redis ({@code cache.store: redis}, the default with Redis
 * counters): an answer one instance stored is a hit on the other, with no second upstream call, and an
 * invalidation on either clears it for both.
 */
class SharedCacheTest {

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    @TempDir
    Path dir;

    private SharedFleet shared;
    private Gateway a;
    private Gateway b;

    @AfterEach
    void close() throws Exception {
        for (Gateway g : new Gateway[] {a, b}) {
            if (g != null) {
                g.close();
            }
        }
        if (shared != null) {
            shared.close();
        }
    }

    private Gateway start(int n) throws Exception {
        Path file = dir.resolve("tollgate-" + n + ".yaml");
        Files.writeString(file, shared.config(n, """
                providers:
                  - {name: openai, kind: openai, base_url: "%s", api_key: sk-upstream}
                cache:
                  exact: {enabled: true, ttl_seconds: 600}
                """.formatted(upstream.baseUrl()), ""));
        return Gateway.start(new ConfigLoader(Map.of()).load(Optional.of(file)));
    }

    private HttpResponse<String> chat(Gateway g, String prompt) {
        return shared.send(0, HttpRequest.newBuilder(g.baseUrl().resolve("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"max_tokens\":20,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}")));
    }

    @Test
    @Timeout(120)
    void anAnswerStoredByOneInstance_isAHitOnTheOther_andAnInvalidationOnEitherClearsItForBoth() throws Exception {
        shared = new SharedFleet("cache", dir);
        a = start(0);
        b = start(1);

        HttpResponse<String> first = chat(a, "shared question");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-tollgate-cache")).contains("miss");
        int upstreamCalls = upstream.requestCount();
        // The fill may land just after the answer: wait for the entry in Redis, then ask the other instance once.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> shared.redisKeys().stream().anyMatch(k -> k.startsWith(shared.prefix + "cache:e:")));
        HttpResponse<String> hit = chat(b, "shared question");
        assertThat(hit.headers().firstValue("x-tollgate-cache")).contains("exact");
        assertThat(JsonText.content(hit.body())).isEqualTo(JsonText.content(first.body()));
        assertThat(upstream.requestCount()).isEqualTo(upstreamCalls);

        HttpResponse<String> cleared = shared.send(0, HttpRequest.newBuilder(b.baseUrl().resolve("/governance/cache?org_id=default")).DELETE());
        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        assertThat(chat(a, "shared question").headers().firstValue("x-tollgate-cache")).contains("miss");
    }

    /** The answer's text, which a replay keeps (its id and timestamps may be the replay's own). */
    private static final class JsonText {
        static String content(String body) {
            return tools.jackson.databind.json.JsonMapper.builder().build().readTree(body)
                    .path("choices").path(0).path("message").path("content").asString();
        }
    }
}
