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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances on one PostgreSQL schema and one Redis prefix: a key revoked on one is refused by the other,
 * and a budget rule created, changed or deleted through one applies on the other, each within the stated
 * bound (the key cache's 5 s; the budget rules' 5 s re-read), without a restart. The test allows twice the
 * bound plus slack for a loaded machine, and fails if the change never arrives.
 */
class SharedChangesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "tg-master-shared-changes";
    private static final Duration BOUND = Duration.ofSeconds(15);

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
                master_key: %s
                providers:
                  - {name: openai, kind: openai, base_url: "%s", api_key: sk-upstream}
                """.formatted(MASTER, upstream.baseUrl()), ""));
        return Gateway.start(new ConfigLoader(Map.of()).load(Optional.of(file)));
    }

    private HttpResponse<String> call(Gateway g, String method, String path, String key, String body) {
        HttpRequest.Builder r = HttpRequest.newBuilder(g.baseUrl().resolve(path)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return shared.send(0, r);
    }

    private HttpResponse<String> chat(Gateway g, String key, String agent) {
        return call(g, "POST", "/v1/chat/completions", key, "{\"model\":\"gpt-4o-mini\",\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @Test
    @Timeout(120)
    void aKeyRevokedOnOneInstance_isRefusedByTheOther_withinTheKeyCachesBound() throws Exception {
        shared = new SharedFleet("keys", dir);
        a = start(0);
        b = start(1);
        HttpResponse<String> created = call(a, "POST", "/governance/api-keys", MASTER, "{\"name\":\"shared\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode key = JSON.readTree(created.body());
        String secret = key.path("key").asString();
        // A key created on one instance works on the other at once (it is read from the database on first use).
        assertThat(chat(b, secret, "x").statusCode()).isEqualTo(200);

        assertThat(call(a, "POST", "/governance/api-keys/" + key.path("id").asString() + "/revoke", MASTER, null).statusCode()).isEqualTo(200);
        assertThat(chat(a, secret, "x").statusCode()).isEqualTo(401);
        long t0 = System.nanoTime();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> chat(b, secret, "x").statusCode() == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(BOUND);
    }

    @Test
    @Timeout(120)
    void aBudgetRuleCreatedChangedAndDeletedOnOneInstance_appliesOnTheOther_withinTheRefreshBound() throws Exception {
        shared = new SharedFleet("budgets", dir);
        a = start(0);
        b = start(1);

        // A rule that nothing fits: once B has it, B refuses.
        HttpResponse<String> created = call(a, "POST", "/governance/budgets", MASTER,
                "{\"name\":\"tiny\",\"scope\":{},\"metric\":\"requests\",\"period\":\"day\",\"limit\":1}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> r = call(b, "GET", "/governance/budgets/tiny", MASTER, null);
            return r.statusCode() == 200;
        });
        // The counter is shared: the one request the rule allows passes on one instance, the next is refused on either.
        assertThat(chat(b, MASTER, "x").statusCode()).isEqualTo(200);
        assertThat(chat(a, MASTER, "x").statusCode()).isEqualTo(429);
        assertThat(chat(b, MASTER, "x").statusCode()).isEqualTo(429);

        assertThat(call(a, "PUT", "/governance/budgets/tiny", MASTER,
                "{\"scope\":{},\"metric\":\"requests\",\"period\":\"day\",\"limit\":3}").statusCode()).isEqualTo(200);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() ->
                JSON.readTree(call(b, "GET", "/governance/budgets/tiny", MASTER, null).body()).path("limit").asLong() == 3);
        assertThat(chat(b, MASTER, "x").statusCode()).isEqualTo(200);

        assertThat(call(a, "DELETE", "/governance/budgets/tiny", MASTER, null).statusCode()).isEqualTo(200);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() ->
                call(b, "GET", "/governance/budgets/tiny", MASTER, null).statusCode() == 404);
        for (int i = 0; i < 5; i++) {
            assertThat(chat(b, MASTER, "x").statusCode()).isEqualTo(200);
        }
    }
}
