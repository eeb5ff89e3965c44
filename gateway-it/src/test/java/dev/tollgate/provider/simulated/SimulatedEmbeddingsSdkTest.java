package dev.tollgate.provider.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.tollgate.testing.GatewayExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo's simulated embeddings as the official SDKs read them: the Node {@code openai} package asks
 * for {@code encoding_format: "base64"} by default and must get the same unit vector as a float request;
 * openai-java decodes base64 the same way; {@code dimensions} sets the vector's length.
 */
class SimulatedEmbeddingsSdkTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TEXT = "The food was delicious and the waiter was friendly.";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: simulated, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            """);

    /** The vector as floats over raw HTTP: the reference the SDKs' decoded vectors must equal. */
    private static List<Float> floats(int dimensions) {
        JsonNode body = JSON.readTree(gateway.post("/v1/embeddings", JSON.createObjectNode().put("model", "text-embedding-3-small")
                .put("input", TEXT).put("dimensions", dimensions).put("encoding_format", "float").toString()).body());
        return body.path("data").path(0).path("embedding").valueStream().map(JsonNode::floatValue).toList();
    }

    @Test
    void openAiJava_base64AndFloat_decodeToTheSameUnitVectorOfTheRequestedLength() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey("demo")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        try {
            List<Float> base64 = client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small")
                    .input(TEXT).dimensions(48).encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build())
                    .data().getFirst().embedding();
            List<Float> asFloats = client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small")
                    .input(TEXT).dimensions(48).encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build())
                    .data().getFirst().embedding();

            assertThat(base64).hasSize(48).isEqualTo(asFloats).isEqualTo(floats(48));
            assertThat(Math.sqrt(base64.stream().mapToDouble(v -> v * v).sum())).isCloseTo(1.0, within(1e-5));
        } finally {
            client.close();
        }
    }

    @Test
    @Timeout(300)
    void theNodeSdk_withItsDefaultBase64Encoding_getsTheSameVector() throws Exception {
        Path sdk = nodeSdk();
        Path script = sdk.resolve("embed.js");
        Files.writeString(script, """
                const OpenAI = require('openai');
                const client = new OpenAI({ baseURL: process.argv[2], apiKey: 'demo', maxRetries: 0 });
                client.embeddings.create({ model: 'text-embedding-3-small', input: process.argv[3], dimensions: 32 })
                  .then(r => console.log(JSON.stringify(r.data[0].embedding)))
                  .catch(e => { console.error(String(e)); process.exit(1); });
                """);

        Process node = new ProcessBuilder("node", script.toString(), gateway.baseUrl() + "/v1", TEXT)
                .directory(sdk.toFile()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();

        List<Float> vector = JSON.readTree(output).valueStream().map(JsonNode::floatValue).toList();
        assertThat(vector).hasSize(32).isEqualTo(floats(32));
        assertThat(vector).anySatisfy(v -> assertThat(v).isNotZero());
    }

    /** The pinned {@code openai} npm package, installed once into this module's target directory. */
    private static Path nodeSdk() throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed for the Node SDK test");
        String version = System.getProperty("tollgate.openai-node.version");
        assertThat(version).as("the openai npm version, from the root pom").isNotBlank();
        Path dir = Path.of("target", "node-openai-" + version).toAbsolutePath();
        if (!Files.exists(dir.resolve("node_modules/openai/package.json"))) {
            Files.createDirectories(dir);
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                    "--prefix", dir.toString(), "openai@" + version).redirectErrorStream(true).start();
            String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(npm.waitFor(240, TimeUnit.SECONDS)).as("npm install finished").isTrue();
            assertThat(npm.exitValue()).as(log).isZero();
        }
        return dir;
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
