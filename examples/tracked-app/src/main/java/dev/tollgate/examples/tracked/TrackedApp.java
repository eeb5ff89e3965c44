package dev.tollgate.examples.tracked;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.google.genai.Client;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tollgate.sdk.CallTags;
import dev.tollgate.sdk.ReporterStats;
import dev.tollgate.sdk.TrackedCompletion;
import dev.tollgate.sdk.TrackedStream;
import dev.tollgate.sdk.anthropic.TrackedAnthropic;
import dev.tollgate.sdk.gemini.TrackedGemini;
import dev.tollgate.sdk.openai.TrackedOpenAi;
import java.util.Map;

/**
 * An application that calls OpenAI, Anthropic and Gemini directly, each call tracked by Tollgate's SDK.
 * Everything comes from the environment:
 * <ul>
 *   <li>{@code TOLLGATE_API_URL}, {@code TOLLGATE_API_KEY}, {@code TOLLGATE_DEFAULT_AGENT}: where usage is reported;</li>
 *   <li>{@code OPENAI_API_KEY} (+ {@code OPENAI_BASE_URL}), {@code ANTHROPIC_API_KEY} (+ {@code ANTHROPIC_BASE_URL}),
 *       {@code GEMINI_API_KEY} (+ {@code GEMINI_BASE_URL}): each provider whose key is set is called, once plainly
 *       and once streamed.</li>
 * </ul>
 * It prints each answer, then how many usage events reached Tollgate, and exits 0 when all of them did.
 */
public final class TrackedApp {

    private static final String QUESTION = "In one sentence: why meter LLM calls?";
    private static final CallTags TAGS = CallTags.feature("tracked-app");

    private TrackedApp() {
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        System.out.println("tracked-app on Java " + System.getProperty("java.version"));
        try (TrackedCompletion tollgate = TrackedCompletion.fromEnv()) {
            if (env.containsKey("OPENAI_API_KEY")) {
                openai(tollgate);
            }
            if (env.containsKey("ANTHROPIC_API_KEY")) {
                anthropic(tollgate);
            }
            if (env.containsKey("GEMINI_API_KEY")) {
                gemini(tollgate, env);
            }
            boolean all = tollgate.flush();
            ReporterStats stats = tollgate.stats();
            System.out.println("tollgate: " + stats.delivered() + " of " + stats.queued() + " usage events delivered");
            if (!all || stats.delivered() != stats.queued()) {
                System.exit(1);
            }
        }
    }

    private static void openai(TrackedCompletion tollgate) {
        OpenAIClient client = OpenAIOkHttpClient.fromEnv();
        TrackedOpenAi openai = TrackedOpenAi.wrap(client, tollgate).with(TAGS);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(QUESTION).build();

        ChatCompletion answer = openai.chat().completions().create(params);
        System.out.println("openai: " + answer.choices().get(0).message().content().orElse(""));

        StringBuilder streamed = new StringBuilder();
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        System.out.println("openai, streamed: " + streamed);
        client.close();
    }

    private static void anthropic(TrackedCompletion tollgate) {
        AnthropicClient client = AnthropicOkHttpClient.fromEnv();
        TrackedAnthropic claude = TrackedAnthropic.wrap(client, tollgate).with(TAGS);
        MessageCreateParams params = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(256).addUserMessage(QUESTION).build();

        Message answer = claude.messages().create(params);
        System.out.println("anthropic: " + answer.content().get(0).text().map(t -> t.text()).orElse(""));

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> stream = claude.messages().createStreaming(params)) {
            stream.stream().forEach(e -> e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> streamed.append(t.text())));
        }
        System.out.println("anthropic, streamed: " + streamed);
        client.close();
    }

    private static void gemini(TrackedCompletion tollgate, Map<String, String> env) {
        Client.Builder builder = Client.builder().apiKey(env.get("GEMINI_API_KEY"));
        if (env.containsKey("GEMINI_BASE_URL")) {
            builder.httpOptions(HttpOptions.builder().baseUrl(env.get("GEMINI_BASE_URL")).build());
        }
        try (Client client = builder.build()) {
            TrackedGemini gemini = TrackedGemini.wrap(client, tollgate).with(TAGS);

            GenerateContentResponse answer = gemini.models().generateContent("gemini-2.5-flash", QUESTION, null);
            System.out.println("gemini: " + answer.text());

            StringBuilder streamed = new StringBuilder();
            try (TrackedStream<GenerateContentResponse> stream = gemini.models().generateContentStream("gemini-2.5-flash", QUESTION, null)) {
                for (GenerateContentResponse piece : stream) {
                    streamed.append(piece.text());
                }
            }
            System.out.println("gemini, streamed: " + streamed);
        }
    }
}
