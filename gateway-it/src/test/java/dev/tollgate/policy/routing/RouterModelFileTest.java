package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code autopilot.router_model}: a model file on disk (here a copy of the bundled one) is loaded and routes calls. */
class RouterModelFileTest {

    private static final String MASTER = "sk-master-router-file";
    private static final Path MODEL = copyOfTheBundledModel();

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: %s
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
            autopilot:
              models: [gpt-4o-mini, gpt-4o]
              router_model: "${MODEL}"
            """.formatted(MASTER)).env("UPSTREAM", () -> upstream.baseUrl().toString()).env("MODEL", MODEL::toString);

    private static Path copyOfTheBundledModel() {
        try (InputStream in = RouterModelFileTest.class.getResourceAsStream("/dev/tollgate/policy/routing/learned/router-v1.tgrm")) {
            Path file = Files.createTempFile("router", ".tgrm");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void auto_isRoutedByTheConfiguredModelFile() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + MASTER);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-routing-reason").orElseThrow()).startsWith("autopilot: ").contains("router ");
    }
}
