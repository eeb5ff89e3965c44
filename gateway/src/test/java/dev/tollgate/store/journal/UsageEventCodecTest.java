package dev.tollgate.store.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The journal's record format: the direct encoder writes the very bytes the Jackson generator wrote
 * before it (so a journal left by an older version replays alike), and every event reads back equal,
 * whatever its strings hold.
 */
class UsageEventCodecTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UsageEventCodec CODEC = new UsageEventCodec(JSON);
    /** Characters that need care: quotes, escapes, controls, DEL, 2-, 3- and 4-byte UTF-8, lone surrogates. */
    private static final String[] PIECES = {"a", "Z", "/", "\"", "\\", "\b", "\t", "\n", "\f", "\r", "\u0000", "\u001f", "\u007f",
        "é", "ß", "€", "助手", "😀", "\ud83d", "\ude00", "{\"id\":", " ", "-", "0"};

    @Test
    void everyFieldSet_roundTrips_andIsTheLineTheJacksonGeneratorWrote() {
        UsageEvent event = new UsageEvent("01JQ7Z3K8M2N4P6R8T0V2X4Z6B", Instant.parse("2026-03-10T12:00:00.123Z"), "req-7",
                "org-acme", "key_pub_4f2a", "agént \"support\" bot", "résumé\\draft", "chat", "proxy", "anthropic",
                "claude-3-7-sonnet-20250219", new Usage(2006, 300, 1920, 17, 64, true), 0.0003369, true, 1.25e-7, 1234, 87, 502,
                "upstream_error", true, 3, "semantic", "autopilot: 助手 picked it\n(cheapest 😀)", 0.0123);

        byte[] line = CODEC.encode(event);

        assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo(new String(jacksonLine(event), StandardCharsets.UTF_8));
        assertThat(line).isEqualTo(jacksonLine(event));
        assertThat(CODEC.decode(line)).isEqualTo(event);
    }

    @Test
    void missingTagsAndExtremeNumbers_roundTrip_andMatchTheJacksonGenerator() {
        UsageEvent event = new UsageEvent("evt-1", Instant.ofEpochMilli(0), "req-1", null, null, null, null, "embeddings", "sdk",
                null, null, new Usage(0, Long.MAX_VALUE, 1, 1_000_000_000_000L, 9, false), 0, false, -0.0, Long.MIN_VALUE, -1, 0,
                null, false, 0, "miss", null, Double.MIN_VALUE);

        byte[] line = CODEC.encode(event);

        assertThat(line).isEqualTo(jacksonLine(event));
        assertThat(CODEC.decode(line)).isEqualTo(event);
    }

    @Test
    void nonFiniteCosts_areWrittenAsStrings_likeTheJacksonGenerator() {
        UsageEvent event = withStrings(new Random(1), "x").withCosts(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

        assertThat(CODEC.encode(event)).isEqualTo(jacksonLine(event));
    }

    @Test
    void seededRandomStrings_matchTheJacksonGeneratorByteForByte_andRoundTrip() {
        Random random = new Random(20261203);
        JsonLine reused = new JsonLine();
        for (int i = 0; i < 5_000; i++) {
            UsageEvent event = withStrings(random, randomString(random)).event();

            byte[] line = CODEC.encode(event, reused).toByteArray();

            assertThat(line).as("event %d", i).isEqualTo(jacksonLine(event));
            assertThat(CODEC.decode(line)).as("event %d", i).isEqualTo(event);
        }
    }

    @Test
    void aLineOfTheOlderJacksonEncoder_stillDecodes() {
        String older = "{\"id\":\"evt-0001\",\"ts\":1773144000123,\"request_id\":\"req-evt-0001\",\"org\":\"org-acme\","
                + "\"key\":\"key_pub_4f2a\",\"agent\":\"support-bot\",\"feature\":null,\"endpoint\":\"chat\",\"source\":\"proxy\","
                + "\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"in\":2006,\"out\":300,\"cached\":1920,\"cache_write\":17,"
                + "\"reasoning\":64,\"estimated\":true,\"cost\":3.369E-4,\"price_known\":true,\"saved\":1.25E-4,\"latency\":1234,"
                + "\"ttft\":87,\"status\":200,\"error\":null,\"stream\":true,\"attempts\":2,\"cache\":\"miss\","
                + "\"reason\":\"explicit: openai serves gpt-4o-mini\",\"routing_free\":3.369E-4}\n";

        UsageEvent event = CODEC.decode(older.getBytes(StandardCharsets.UTF_8));

        assertThat(event).isEqualTo(new UsageEvent("evt-0001", Instant.parse("2026-03-10T12:00:00.123Z"), "req-evt-0001", "org-acme",
                "key_pub_4f2a", "support-bot", null, "chat", "proxy", "openai", "gpt-4o-mini", new Usage(2006, 300, 1920, 17, 64, true),
                0.0003369, true, 0.000125, 1234, 87, 200, null, true, 2, "miss", "explicit: openai serves gpt-4o-mini"));
        assertThat(new String(CODEC.encode(event), StandardCharsets.UTF_8)).isEqualTo(older);
    }

    @Test
    void aReusedLine_holdsOnlyTheLastRecord_evenAfterALongerOne() {
        JsonLine reused = new JsonLine();
        UsageEvent longer = withStrings(new Random(2), "x".repeat(5_000)).event();
        UsageEvent shorter = withStrings(new Random(3), "y").event();

        CODEC.encode(longer, reused);
        byte[] line = CODEC.encode(shorter, reused).toByteArray();

        assertThat(line).isEqualTo(jacksonLine(shorter));
        assertThat(reused.size()).isEqualTo(line.length);
    }

    private static String randomString(Random random) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            s.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return s.toString();
    }

    /** An event whose every string field carries {@code text}, with seeded numbers. */
    private static Sample withStrings(Random random, String text) {
        return new Sample(random, text);
    }

    private record Sample(Random random, String text) {

        UsageEvent event() {
            return withCosts(random.nextDouble() * 1e-3, random.nextDouble(), random.nextInt(3) == 0 ? 0 : random.nextDouble() * 10);
        }

        UsageEvent withCosts(double cost, double saved, double routingFree) {
            Usage usage = new Usage(random.nextInt(100_000), random.nextLong(Long.MAX_VALUE), random.nextInt(5_000), random.nextInt(50),
                    random.nextInt(Integer.MAX_VALUE),
                    random.nextBoolean());
            return new UsageEvent("id-" + text, Instant.ofEpochMilli(random.nextLong(0, 4_102_444_800_000L)), "req-" + text, "org" + text,
                    "key" + text, text, text + "f", "chat" + text, "proxy", "p" + text, text + "m", usage, cost, random.nextBoolean(),
                    saved, random.nextLong(), random.nextInt(10_000) - 1, 100 + random.nextInt(500), text.isEmpty() ? null : text,
                    random.nextBoolean(), random.nextInt(5), text, "reason " + text, routingFree);
        }
    }

    /** The encoder the journal used before the direct one: Jackson's streaming generator, default settings. */
    private static byte[] jacksonLine(UsageEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            Usage u = e.usage();
            g.writeStartObject();
            g.writeStringProperty("id", e.id());
            g.writeNumberProperty("ts", e.time().toEpochMilli());
            g.writeStringProperty("request_id", e.requestId());
            g.writeStringProperty("org", e.orgId());
            g.writeStringProperty("key", e.keyId());
            g.writeStringProperty("agent", e.agent());
            g.writeStringProperty("feature", e.feature());
            g.writeStringProperty("endpoint", e.endpoint());
            g.writeStringProperty("source", e.source());
            g.writeStringProperty("provider", e.provider());
            g.writeStringProperty("model", e.model());
            g.writeNumberProperty("in", u.inputTokens());
            g.writeNumberProperty("out", u.outputTokens());
            g.writeNumberProperty("cached", u.cachedTokens());
            g.writeNumberProperty("cache_write", u.cacheWriteTokens());
            g.writeNumberProperty("reasoning", u.reasoningTokens());
            g.writeBooleanProperty("estimated", u.estimated());
            g.writeNumberProperty("cost", e.costUsd());
            g.writeBooleanProperty("price_known", e.priceKnown());
            g.writeNumberProperty("saved", e.savedUsd());
            g.writeNumberProperty("latency", e.latencyMs());
            g.writeNumberProperty("ttft", e.firstTokenMs());
            g.writeNumberProperty("status", e.status());
            g.writeStringProperty("error", e.errorCode());
            g.writeBooleanProperty("stream", e.stream());
            g.writeNumberProperty("attempts", e.attempts());
            g.writeStringProperty("cache", e.cacheTier());
            g.writeStringProperty("reason", e.routingReason());
            g.writeNumberProperty("routing_free", e.routingFreeCostUsd());
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }
}
