package dev.tollgate.policy.routing.learned;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON Lines file of labelled prompts: one object a line with {@code prompt} (string),
 * {@code weak_correct} and {@code strong_correct} (true/false, or 1/0) and an optional {@code source}
 * (string). Blank lines are skipped; anything else that does not fit stops the read with a
 * {@link RouterDataException} naming the file and line.
 */
public final class LabelledPromptFile {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LabelledPromptFile() {
    }

    public static List<LabelledPrompt> read(Path file) {
        List<LabelledPrompt> out = new ArrayList<>();
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int lineNumber = 0;
        try (BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (!line.isBlank()) {
                    out.add(parse(file, lineNumber, line));
                }
            }
        } catch (NoSuchFileException e) {
            throw new RouterDataException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new RouterDataException(file + ":" + (lineNumber + 1) + ": not valid UTF-8 text");
        } catch (IOException e) {
            throw new RouterDataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (out.isEmpty()) {
            throw new RouterDataException(file + ": no labelled prompts (expected: one JSON object a line)");
        }
        return out;
    }

    static LabelledPrompt parse(Path file, int lineNumber, String line) {
        String where = file + ":" + lineNumber + ": ";
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new RouterDataException(where + "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new RouterDataException(where + "expected a JSON object with prompt, weak_correct and strong_correct");
        }
        JsonNode prompt = node.get("prompt");
        if (prompt == null || !prompt.isString()) {
            throw new RouterDataException(where + "prompt: " + describe(prompt) + " (expected: a string)");
        }
        JsonNode source = node.get("source");
        if (source != null && !source.isNull() && !source.isString()) {
            throw new RouterDataException(where + "source: " + describe(source) + " (expected: a string)");
        }
        return new LabelledPrompt(prompt.asString(), flag(where, node, "weak_correct"), flag(where, node, "strong_correct"),
                source == null || source.isNull() ? "" : source.asString());
    }

    private static boolean flag(String where, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v != null && v.isBoolean()) {
            return v.booleanValue();
        }
        if (v != null && v.isIntegralNumber() && (v.asLong() == 0 || v.asLong() == 1)) {
            return v.asLong() == 1;
        }
        throw new RouterDataException(where + field + ": " + describe(v) + " (expected: true or false)");
    }

    private static String describe(JsonNode v) {
        if (v == null) {
            return "missing";
        }
        String text = v.toString();
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}
