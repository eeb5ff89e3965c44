package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.GeminiFixtures;
import dev.tollgate.testing.GeminiFixtures.Tokens;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a new user configures first, over real HTTP: a Gemini base URL given as Google's SDKs take it
 * (host only), a same-models fallback with {@code prefix: ""} taking over while the first provider is
 * at its limit, and a default model found on a later provider when the first only has globs.
 */
class ProviderReachTest {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @Nested
    class GeminiHostOnly {

        @RegisterExtension
        @Order(1)
        static final MockUpstream gemini = new MockUpstream();

        @RegisterExtension
        @Order(2)
        static final GatewayExtension gateway = GatewayExtension.envOnly()
                .env("GEMINI_API_KEY", () -> "AIza-test-key")
                .env("GEMINI_BASE_URL", () -> "http://127.0.0.1:" + gemini.port());

        @Test
        void aBaseUrlWithoutVersion_callsV1beta() {
            gemini.enqueue(MockResponse.json(200, GeminiFixtures.text("gemini-2.5-flash", "Hello.", new Tokens(3, 2, 0, 0))));

            HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("gemini-2.5-flash"));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("Hello.");
            assertThat(gemini.takeRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        }
    }

    @Nested
    class SameModelsFallback {

        @RegisterExtension
        @Order(1)
        static final MockUpstream primary = new MockUpstream();

        @RegisterExtension
        @Order(2)
        static final MockUpstream backup = new MockUpstream();

        @RegisterExtension
        @Order(3)
        static final GatewayExtension gateway = GatewayExtension.yaml("""
                providers:
                  - name: openai
                    kind: openai
                    base_url: ${PRIMARY}
                    api_key: sk-primary
                    limits: {rpm: 1}
                  - name: openai-backup
                    kind: openai_compatible
                    base_url: ${BACKUP}
                    prefix: ""
                    models: ["gpt-*"]
                """)
                .env("PRIMARY", () -> primary.baseUrl().toString())
                .env("BACKUP", () -> backup.baseUrl().toString());

        @Test
        void thePlainName_goesToTheBackup_whileThePrimaryIsAtItsLimit() {
            primary.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "from primary", OpenAiFixtures.DEFAULT_USAGE)));
            backup.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "from backup", OpenAiFixtures.DEFAULT_USAGE)));

            HttpResponse<String> first = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-mini"));
            HttpResponse<String> second = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-mini"));

            assertThat(first.body()).contains("from primary");
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            assertThat(second.body()).contains("from backup");
            assertThat(second.headers().firstValue("x-tollgate-provider")).contains("openai-backup");
            assertThat(second.headers().firstValue("x-tollgate-routing-reason").orElseThrow())
                    .contains("openai at its limit, tried openai-backup");
            assertThat(backup.takeRequest().bodyText()).contains("\"model\":\"gpt-4o-mini\"");
        }
    }

    @Nested
    class DefaultFromALaterProvider {

        @RegisterExtension
        @Order(1)
        static final MockUpstream openai = new MockUpstream();

        @RegisterExtension
        @Order(2)
        static final GatewayExtension gateway = GatewayExtension.yaml("""
                providers:
                  - {name: local, kind: ollama, base_url: "http://127.0.0.1:9/v1"}
                  - {name: openai, kind: openai, base_url: "${OPENAI}", api_key: sk-test}
                """).env("OPENAI", () -> openai.baseUrl().toString());

        @Test
        void aRequestWithoutModel_isServedByTheLaterProvidersModel() {
            openai.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "defaulted", OpenAiFixtures.DEFAULT_USAGE)));

            HttpResponse<String> response = gateway.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-tollgate-model")).contains("gpt-4o-mini");
            assertThat(openai.takeRequest().bodyText()).contains("\"model\":\"gpt-4o-mini\"");
        }
    }
}
