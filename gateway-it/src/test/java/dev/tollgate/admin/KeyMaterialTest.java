package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/** A key's secret is shown once, in the answer that creates it, and nowhere else: not in lists, logs, errors or the database. */
class KeyMaterialTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-key-material
            providers:
              - {name: sim, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            """);

    @Test
    void secret_appearsOnlyInTheCreatingAnswer() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        logs.start();
        root.addAppender(logs);
        ch.qos.logback.classic.Level before = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            HttpResponse<String> created = gateway.post("/governance/api-keys", "{\"name\":\"secret-test\",\"scopes\":[\"infer\",\"admin\"]}",
                    "Authorization", "Bearer sk-master-key-material");
            String secret = JSON.readTree(created.body()).path("key").asString();
            String id = JSON.readTree(created.body()).path("id").asString();
            assertThat(secret).startsWith("tg-").hasSize(46);

            String almost = secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A");
            HttpResponse<String> wrong = gateway.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                    "Authorization", "Bearer " + almost);
            HttpResponse<String> used = gateway.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                    "Authorization", "Bearer " + secret);
            HttpResponse<String> list = gateway.get("/governance/api-keys", "Authorization", "Bearer " + secret);
            HttpResponse<String> audit = gateway.get("/governance/audit", "Authorization", "Bearer " + secret);
            HttpResponse<String> rotated = gateway.post("/governance/api-keys/" + id + "/rotate", "", "Authorization", "Bearer " + secret);
            gateway.ledger().flush();

            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain(almost).doesNotContain(secret);
            assertThat(used.statusCode()).isEqualTo(200);
            assertThat(list.body()).contains(id).contains(secret.substring(0, 11)).doesNotContain(secret);
            assertThat(audit.body()).doesNotContain(secret);
            assertThat(rotated.body()).doesNotContain(secret);
            assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(secret) || e.getFormattedMessage().contains(almost));
            Path data = gateway.gateway().config().dataDir();
            try (Stream<Path> files = Files.walk(data)) {
                // tollgate.yaml is the test's own configuration, which holds the master key as any user's would.
                for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".yaml")).toList()) {
                    String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    assertThat(bytes).as(file.toString()).doesNotContain(secret).doesNotContain("sk-master-key-material");
                }
            }
        } finally {
            root.detachAppender(logs);
            root.setLevel(before);
        }
    }
}
