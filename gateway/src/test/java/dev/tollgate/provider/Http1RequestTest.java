package dev.tollgate.provider;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes of a request as they go on the wire. */
class Http1RequestTest {

    private static String encode(String uri, Map<String, String> call, Map<String, String> configured) {
        URI target = URI.create(uri);
        return new String(Http1Request.encode(target, Destination.of(target), "text/event-stream", call, configured,
                "{}".getBytes(ISO_8859_1)), ISO_8859_1);
    }

    @Test
    void theSchemesOwnPort_isLeftOutOfHost_andThePathDefaultsToSlash() {
        assertThat(encode("https://api.example.com", Map.of(), Map.of()))
                .startsWith("POST / HTTP/1.1\r\nhost: api.example.com\r\ncontent-length: 2\r\n");
        assertThat(encode("http://[::1]:8080/v1/chat", Map.of(), Map.of())).startsWith("POST /v1/chat HTTP/1.1\r\nhost: [::1]:8080\r\n");
        assertThat(encode("https://api.example.com:8443/v1", Map.of(), Map.of())).contains("\r\nhost: api.example.com:8443\r\n");
    }

    @Test
    void laterHeadersReplaceEarlierOnesOfAnyCase_butNeverTheFraming() {
        Map<String, String> call = new LinkedHashMap<>();
        call.put("Accept", "application/json");
        call.put("x-api-key", "call");
        call.put("Content-Length", "999");
        call.put("Host", "elsewhere");

        String request = encode("http://127.0.0.1:9/v1", call, Map.of("X-API-Key", "configured"));

        assertThat(request).isEqualTo("POST /v1 HTTP/1.1\r\nhost: 127.0.0.1:9\r\ncontent-length: 2\r\n"
                + "content-type: application/json\r\nAccept: application/json\r\nX-API-Key: configured\r\n\r\n{}");
    }

    @Test
    void aHeaderWithALineBreak_isRefused_withoutQuotingItsValue() {
        assertThatThrownBy(() -> encode("http://127.0.0.1/v1", Map.of("authorization", "Bearer sk-1\r\nx-injected: 1"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'authorization'").hasMessageNotContaining("sk-1");
    }
}
