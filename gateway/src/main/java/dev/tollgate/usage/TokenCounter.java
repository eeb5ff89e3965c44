package dev.tollgate.usage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Token estimates with jtokkit, for calls whose upstream reports no usage and for worst-case
 * reservations. Never the bill: upstream usage is authoritative.
 *
 * <p>OpenAI's o-series, GPT-4o, GPT-4.1 and GPT-5 models use {@code o200k_base}; other OpenAI models
 * {@code cl100k_base}. For non-OpenAI models (Claude, Gemini, Llama, ...) {@code cl100k_base} is a
 * documented approximation: their tokenizers differ, typically by under 15% on English text. Chat
 * overhead follows OpenAI's published formula: 3 tokens per message, 1 per name, 3 to prime the reply.
 *
 * <p>A prompt's texts repeat from call to call (a system prompt, and in a conversation every earlier turn,
 * sent again with each new one), so {@link #countPrompt(String, String, List)} remembers what each text
 * counted, per org and encoding, up to {@link #REMEMBERED_CHARS} characters of text in all: a long history
 * is tokenized once, not once per turn. The org is part of the key so that no org can learn, from how
 * fast its call is counted, whether another org sent a text; a count for no org remembers nothing.
 */
public final class TokenCounter {

    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;
    /** An image is billed by its size, which an estimate does not know; OpenAI's low-detail cost. */
    private static final int TOKENS_PER_IMAGE = 85;
    /** Characters of text whose counts are remembered, per counter: about 8 MB of strings at most. */
    static final long REMEMBERED_CHARS = 4_000_000;

    /**
     * Shared by every counter in the JVM: the encodings are immutable tables of some tens of MB each, the
     * same for every gateway (tests run many gateways in one JVM, and Helidon keeps a stopped server's
     * idle-connection timer thread, and through it the server's routes, alive).
     */
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static volatile Tokenizer o200k;
    private static volatile Tokenizer cl100k;

    /** A text counted for an org in an encoding. */
    private record Counted(String org, Tokenizer tokenizer, String text) {
    }

    /** Counts of texts seen in prompts; maintenance runs on the caller's thread, so no pool thread wakes per call. */
    private final Cache<Counted, Integer> counts = Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumWeight(REMEMBERED_CHARS)
            .weigher((Counted k, Integer ignored) -> k.text().length())
            .build();

    /** An encoding, and what each role's name counts in it (the same on every call, so counted once). */
    private record Tokenizer(Encoding encoding, int[] roleTokens) {

        static Tokenizer of(Encoding encoding) {
            int[] roles = new int[Role.values().length];
            for (Role role : Role.values()) {
                roles[role.ordinal()] = encoding.countTokensOrdinary(role.wireName());
            }
            return new Tokenizer(encoding, roles);
        }
    }

    /** Loads both encodings now (a few hundred ms) instead of on the first estimate. */
    public TokenCounter warm() {
        tokenizer("gpt-4o");
        tokenizer("gpt-4");
        return this;
    }

    public int count(String model, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return tokenizer(model).encoding().countTokensOrdinary(text);
    }

    /** Tokens of a prompt as a chat model sees it, formatting overhead included; nothing is remembered. */
    public int countPrompt(String model, List<Message> messages) {
        return countPrompt(null, model, messages);
    }

    /**
     * {@link #countPrompt(String, List)} for a call of {@code org}, remembering each message text's count for the
     * org's next calls; with {@code org} null (a count that belongs to no caller) nothing is remembered.
     */
    public int countPrompt(String org, String model, List<Message> messages) {
        Tokenizer tokenizer = tokenizer(model);
        Encoding enc = tokenizer.encoding();
        int total = REPLY_PRIMING;
        for (Message m : messages) {
            total += TOKENS_PER_MESSAGE + tokenizer.roleTokens()[m.role().ordinal()];
            if (m.name() != null) {
                total += 1 + enc.countTokensOrdinary(m.name());
            }
            for (ContentPart part : m.content()) {
                total += switch (part) {
                    case ContentPart.Text(String text) -> textTokens(org, tokenizer, text);
                    case ContentPart.Image ignored -> TOKENS_PER_IMAGE;
                    case ContentPart.Other ignored -> 0;
                };
            }
            for (ToolCall call : m.toolCalls()) {
                total += enc.countTokensOrdinary(call.name()) + enc.countTokensOrdinary(call.arguments());
            }
        }
        return total;
    }

    private int textTokens(String org, Tokenizer tokenizer, String text) {
        if (org == null || text.isEmpty()) {
            return tokenizer.encoding().countTokensOrdinary(text);
        }
        return counts.get(new Counted(org, tokenizer, text), k -> k.tokenizer().encoding().countTokensOrdinary(k.text()));
    }

    /** How many texts have their counts remembered (for tests). */
    long rememberedTexts() {
        counts.cleanUp();
        return counts.estimatedSize();
    }

    /** The characters of the remembered texts, all together (for tests). */
    long rememberedChars() {
        counts.cleanUp();
        return counts.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** The first {@code maxTokens} tokens of {@code text}, decoded back to text. */
    public String truncate(String model, String text, int maxTokens) {
        Encoding enc = tokenizer(model).encoding();
        IntArrayList tokens = enc.encodeOrdinary(text);
        if (tokens.size() <= maxTokens) {
            return text;
        }
        IntArrayList head = new IntArrayList(maxTokens);
        for (int i = 0; i < maxTokens; i++) {
            head.add(tokens.get(i));
        }
        byte[] bytes = enc.decodeBytes(head);
        return new String(bytes, 0, completeUtf8Length(bytes), StandardCharsets.UTF_8);
    }

    /** The length of {@code bytes} without a trailing partial UTF-8 character: a token may end mid-character. */
    private static int completeUtf8Length(byte[] bytes) {
        int end = bytes.length;
        for (int i = end - 1; i >= Math.max(0, end - 4); i--) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                return end;
            }
            if (b >= 0xC0) {
                int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return end - i >= length ? end : i;
            }
        }
        return end;
    }

    private static Tokenizer tokenizer(String model) {
        String m = model == null ? "" : model.substring(model.lastIndexOf('/') + 1);
        boolean o200 = m.startsWith("gpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-5") || m.startsWith("o1")
                || m.startsWith("o3") || m.startsWith("o4") || m.startsWith("chatgpt-4o") || m.startsWith("codex");
        if (o200) {
            Tokenizer t = o200k;
            return t != null ? t : (o200k = Tokenizer.of(REGISTRY.getEncoding(EncodingType.O200K_BASE)));
        }
        Tokenizer t = cl100k;
        return t != null ? t : (cl100k = Tokenizer.of(REGISTRY.getEncoding(EncodingType.CL100K_BASE)));
    }
}
