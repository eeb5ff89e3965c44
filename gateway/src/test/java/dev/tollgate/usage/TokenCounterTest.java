package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolCall;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenCounterTest {

    private static final TokenCounter TOKENS = new TokenCounter();
    private static final String TEXT = "Budgets stay exact while routing picks the cheapest provider that fits.";

    private static String randomText(Random random, int words, boolean unicode) {
        String[] vocabulary = unicode
                ? new String[] {"token", "naïve", "café", "日本語", "テキスト", "😀", "👩‍💻", "ß", "Ωmega", "e\u0301", "—", "…", "price"}
                : new String[] {"the", "gateway", "meters", "every", "token", "so", "budgets", "stay", "exact", "42", ",", "!"};
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < words; i++) {
            out.append(i == 0 ? "" : " ").append(vocabulary[random.nextInt(vocabulary.length)]);
        }
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o-mini", "gpt-4", "ollama/llama3", "claude-3-5-sonnet"})
    void counts_arePositiveAndDeterministic(String model) {
        int first = TOKENS.count(model, TEXT);

        assertThat(first).isPositive();
        assertThat(TOKENS.count(model, TEXT)).isEqualTo(first);
        assertThat(new TokenCounter().count(model, TEXT)).isEqualTo(first);
    }

    @Test
    void emptyOrNullText_isZeroTokens() {
        assertThat(TOKENS.count("gpt-4o", "")).isZero();
        assertThat(TOKENS.count("gpt-4o", null)).isZero();
    }

    @Test
    void modelsPickTheirTokenizer() {
        String text = "🙂 Tokenizers disagree on emoji-heavy text like this: 🙂🙂🙂 —日本語のテキスト—";

        assertThat(TOKENS.count("gpt-4o", text)).as("o200k_base").isEqualTo(TOKENS.count("openai/gpt-4o", text));
        assertThat(TOKENS.count("gpt-4", text)).as("cl100k_base").isEqualTo(TOKENS.count("llama3", text));
        assertThat(TOKENS.count("gpt-4o", text)).isNotEqualTo(TOKENS.count("gpt-4", text));
    }

    @Test
    void promptCount_addsChatOverhead_toTheContentTokens() {
        List<Message> messages = List.of(Message.text(Role.SYSTEM, "You are terse."), Message.text(Role.USER, TEXT));
        int content = TOKENS.count("gpt-4o", "You are terse.") + TOKENS.count("gpt-4o", TEXT);

        int prompt = TOKENS.countPrompt("gpt-4o", messages);

        assertThat(prompt).isGreaterThan(content);
        // OpenAI's formula: 3 to prime the reply, 3 per message, plus each role's own tokens.
        assertThat(prompt).isEqualTo(3 + (3 + TOKENS.count("gpt-4o", "system")) + (3 + TOKENS.count("gpt-4o", "user")) + content);
    }

    @Test
    void promptCount_includesNamesImagesAndToolCalls() {
        Message plain = new Message(Role.USER, List.of(new ContentPart.Text("hi")), List.of(), null, null);
        Message named = new Message(Role.USER, List.of(new ContentPart.Text("hi")), List.of(), null, "ada");
        Message withImage = new Message(Role.USER,
                List.of(new ContentPart.Text("hi"), new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", "low")),
                List.of(), null, null);
        Message withAudio = new Message(Role.USER, List.of(new ContentPart.Text("hi"), new ContentPart.Other("input_audio")),
                List.of(), null, null);
        Message call = new Message(Role.ASSISTANT, List.of(),
                List.of(new ToolCall("call_1", "get_weather", "{\"location\":\"Paris\"}")), null, null);
        int base = TOKENS.countPrompt("gpt-4o", List.of(plain));

        assertThat(TOKENS.countPrompt("gpt-4o", List.of(named))).isEqualTo(base + 1 + TOKENS.count("gpt-4o", "ada"));
        assertThat(TOKENS.countPrompt("gpt-4o", List.of(withImage))).isEqualTo(base + 85);
        assertThat(TOKENS.countPrompt("gpt-4o", List.of(withAudio))).isEqualTo(base);
        assertThat(TOKENS.countPrompt("gpt-4o", List.of(call))).isEqualTo(3 + 3 + TOKENS.count("gpt-4o", "assistant")
                + TOKENS.count("gpt-4o", "get_weather") + TOKENS.count("gpt-4o", "{\"location\":\"Paris\"}"));
    }

    @Test
    void truncate_returnsAPrefixOfAtMostNTokens() {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            String model = round % 2 == 0 ? "gpt-4o" : "gpt-3.5-turbo";
            String text = randomText(random, 1 + random.nextInt(80), false);
            int max = random.nextInt(TOKENS.count(model, text) + 5);

            String head = TOKENS.truncate(model, text, max);

            assertThat(text).as("round %d", round).startsWith(head);
            assertThat(TOKENS.count(model, head)).as("round %d: %s", round, head).isLessThanOrEqualTo(max);
        }
    }

    @Test
    void truncate_ofNonAsciiText_returnsAPrefixOfAtMostNTokens() {
        Random random = new Random(4242);
        for (int round = 0; round < 300; round++) {
            String model = round % 2 == 0 ? "gpt-4o" : "gpt-3.5-turbo";
            String text = randomText(random, 1 + random.nextInt(40), true);
            int max = random.nextInt(TOKENS.count(model, text) + 5);

            String head = TOKENS.truncate(model, text, max);

            assertThat(text).as("round %d, max %d", round, max).startsWith(head);
            assertThat(TOKENS.count(model, head)).as("round %d: %s", round, head).isLessThanOrEqualTo(max);
        }
    }

    @Test
    void truncate_keepsTextThatFits_andCutsToExactlyNTokensOfPlainText() {
        int all = TOKENS.count("gpt-4o", TEXT);

        assertThat(TOKENS.truncate("gpt-4o", TEXT, all)).isSameAs(TEXT);
        assertThat(TOKENS.truncate("gpt-4o", TEXT, all + 10)).isSameAs(TEXT);
        assertThat(TOKENS.count("gpt-4o", TOKENS.truncate("gpt-4o", TEXT, 5))).isEqualTo(5);
        assertThat(TOKENS.truncate("gpt-4o", TEXT, 0)).isEmpty();
    }

    private static List<Message> conversation(List<String> turns) {
        return turns.stream().map(t -> new Message(Role.USER, List.of(new ContentPart.Text(t)), List.of(), null, null)).toList();
    }

    @Test
    void countPrompt_ofAnOrg_isTheSameCountAsWithout_onFirstAndRepeatedCalls() {
        Random random = new Random(77);
        TokenCounter remembering = new TokenCounter();
        for (int round = 0; round < 200; round++) {
            String model = round % 2 == 0 ? "gpt-4o" : "gpt-4";
            List<String> turns = new java.util.ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(6); i++) {
                turns.add(randomText(random, 1 + random.nextInt(30), random.nextBoolean()));
            }
            int fresh = new TokenCounter().countPrompt(model, conversation(turns));

            assertThat(remembering.countPrompt("org-" + round % 3, model, conversation(turns))).as("round %d", round).isEqualTo(fresh);
            assertThat(remembering.countPrompt("org-" + round % 3, model, conversation(turns))).as("round %d again", round).isEqualTo(fresh);
        }
    }

    @Test
    void countPrompt_remembersEachText_perOrgAndEncoding() {
        TokenCounter tokens = new TokenCounter();
        List<Message> prompt = conversation(List.of("You are a terse assistant.", "What is the capital of France?"));

        tokens.countPrompt("org-a", "gpt-4o", prompt);
        tokens.countPrompt("org-a", "gpt-4o", prompt);
        assertThat(tokens.rememberedTexts()).isEqualTo(2);

        // A later turn re-sends the earlier ones: only the new text is new.
        tokens.countPrompt("org-a", "gpt-4o", conversation(List.of("You are a terse assistant.", "What is the capital of France?", "Paris.")));
        assertThat(tokens.rememberedTexts()).isEqualTo(3);

        // Another org, or another encoding, counts its own: no org learns what another has sent.
        tokens.countPrompt("org-b", "gpt-4o", prompt);
        tokens.countPrompt("org-a", "gpt-4", prompt);
        assertThat(tokens.rememberedTexts()).isEqualTo(7);
    }

    @Test
    void countPrompt_forNoOrg_remembersNothing() {
        TokenCounter tokens = new TokenCounter();
        List<Message> prompt = conversation(List.of("You are a terse assistant.", "What is the capital of France?"));

        int counted = tokens.countPrompt("gpt-4o", prompt);

        assertThat(tokens.countPrompt(null, "gpt-4o", prompt)).isEqualTo(counted);
        assertThat(tokens.rememberedTexts()).as("a count no caller owns is shared by none").isZero();
        assertThat(tokens.countPrompt("org-a", "gpt-4o", prompt)).isEqualTo(counted);
        assertThat(tokens.rememberedTexts()).isEqualTo(2);
    }

    @Test
    void countPrompt_remembersAtMostItsBoundOfText() {
        TokenCounter tokens = new TokenCounter();
        String chunk = "x".repeat(100_000);
        for (int i = 0; i < 60; i++) {
            assertThat(tokens.countPrompt("org", "gpt-4o", conversation(List.of(i + chunk)))).isPositive();
        }

        assertThat(tokens.rememberedChars()).isLessThanOrEqualTo(TokenCounter.REMEMBERED_CHARS);
        assertThat(tokens.rememberedTexts()).isLessThan(60);
    }
}
