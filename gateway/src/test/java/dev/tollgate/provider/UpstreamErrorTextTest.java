package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpstreamErrorTextTest {

    private static final String SECRET = "sk-upstream-0123456789";
    private final UpstreamErrorText text = new UpstreamErrorText("openai", SECRET);

    @Test
    void message_isNamedAndScrubbedOfTheCredential() {
        assertThat(text.answered(401, "Incorrect API key provided: " + SECRET + ".", new byte[0]))
                .isEqualTo("upstream openai answered 401: Incorrect API key provided: ****.");
    }

    @Test
    void withoutAMessage_theBodysStartIsShown() {
        byte[] body = ("  <html>Bad gateway " + SECRET + " " + "x".repeat(500) + "</html>").getBytes(StandardCharsets.UTF_8);

        String answered = text.answered(502, null, body);

        assertThat(answered).startsWith("upstream openai answered 502: <html>Bad gateway **** xxx").doesNotContain(SECRET);
        assertThat(answered).hasSizeLessThan(250);
    }

    @Test
    void emptyBody_saysTheStatusAlone() {
        assertThat(text.answered(503, null, new byte[0])).isEqualTo("upstream openai answered 503");
    }

    @Test
    void longMessages_areBounded() {
        assertThat(text.clean("y".repeat(5000))).hasSize(1001).endsWith("…");
        assertThat(text.clean(null)).isNull();
    }

    @Test
    void withoutACredential_nothingIsScrubbed() {
        assertThat(new UpstreamErrorText("ollama", null).clean("model 'llama3' not found")).isEqualTo("model 'llama3' not found");
    }
}
