package dev.tollgate.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TagsTest {

    /** A header value as a client sends a non-ASCII name: UTF-8, percent-encoded. */
    private static String asHeaderBytes(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @ParameterizedTest
    @ValueSource(strings = {"imperium", "agént", "代理", "Ärger-Bot_2", "agent.v2:prod/eu", "résumé writer", "हिन्दी", "١٢٣"})
    void unicodeLettersDigitsAndTheSeparators_areTags(String tag) {
        assertThat(Tags.parse(tag)).contains(tag);
        assertThat(Tags.fromHeader(asHeaderBytes(tag))).as("sent as UTF-8 header bytes").contains(tag);
    }

    @Test
    void tags_areNormalisedToNfc() {
        String decomposed = "age\u0301nt";

        assertThat(Tags.parse(decomposed)).contains("ag\u00e9nt");
        assertThat(Tags.fromHeader(asHeaderBytes(decomposed))).contains("ag\u00e9nt");
    }

    @Test
    void rawNonAsciiHeaderBytes_andBrokenPercentEncoding_areRefused() {
        assertThat(Tags.hasRawNonAscii("ag\uFFFD\uFFFDnt")).isTrue();
        assertThat(Tags.fromHeader("ag\uFFFD\uFFFDnt")).isEmpty();
        assertThat(Tags.fromHeader("ag%C3nt")).as("not UTF-8").isEmpty();
        assertThat(Tags.fromHeader("ag%G1nt")).isEmpty();
        assertThat(Tags.fromHeader("agent%")).isEmpty();
        assertThat(Tags.fromHeader("a%00b")).isEmpty();
        assertThat(Tags.fromHeader("imperium")).contains("imperium");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "a\u0000b", "a\r\nSet-Cookie: x", "a\tb", "<script>", "agent;drop", "emoji\uD83D\uDE00", "a\u202Eb"})
    void everythingElse_isRefused(String raw) {
        assertThat(Tags.parse(raw)).isEmpty();
        assertThat(Tags.fromHeader(asHeaderBytes(raw))).isEmpty();
    }

    @Test
    void lengthIsBoundedInCharacters_notBytes() {
        assertThat(Tags.parse("代".repeat(128))).isPresent();
        assertThat(Tags.parse("代".repeat(129))).isEmpty();
        assertThat(Tags.parse("a".repeat(4_000))).isEmpty();
    }
}
