package dev.tollgate.policy.cache.semantic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * One line of a pair file: {@code {"a": "...", "b": "...", "same": true|false, "src": "..."}} ({@code src}
 * optional). {@code same} says whether an answer cached for {@code a} is right for {@code b}.
 *
 * @param part {@code src} when the line has one; else {@code question} when either text ends with a question mark,
 *             {@code statement} otherwise (on the shared QQP + mock files this split is exactly QQP against mock)
 */
public record LabelledPair(String a, String b, boolean same, String part) {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Every line of a JSON-lines pair file; blank lines are skipped, a malformed line is an error naming it. */
    public static List<LabelledPair> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<LabelledPair> pairs = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                pairs.add(parse(file, i + 1, lines.get(i)));
            }
        }
        return pairs;
    }

    private static LabelledPair parse(Path file, int line, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + " line " + line + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        JsonNode a = node.get("a");
        JsonNode b = node.get("b");
        JsonNode same = node.get("same");
        if (a == null || !a.isString() || b == null || !b.isString() || same == null || !same.isBoolean()) {
            throw new IllegalArgumentException(file + " line " + line
                    + ": expected {\"a\": string, \"b\": string, \"same\": true|false} (\"src\" optional)");
        }
        JsonNode src = node.get("src");
        String part = src != null && src.isString() ? src.asString()
                : endsWithQuestionMark(a.asString()) || endsWithQuestionMark(b.asString()) ? "question" : "statement";
        return new LabelledPair(a.asString(), b.asString(), same.asBoolean(), part);
    }

    private static boolean endsWithQuestionMark(String s) {
        return s.strip().endsWith("?");
    }
}
