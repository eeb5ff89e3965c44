package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The analytics and token-usage APIs over calls made through the gateway with exactly known usage (the
 * mock upstream reports it). Every call is made once, before all tests; the tests only read.
 *
 * <p>Prices from /work/shared/data/model_prices_and_context_window.json (US dollars per token):
 * <pre>
 *   gpt-4o-mini  input 1.5e-07   cache read 7.5e-08   output 6e-07
 *   gpt-4o       input 2.5e-06   cache read 1.25e-06  output 1e-05
 *   o3-mini      input 1.1e-06   cache read 5.5e-07   output 4.4e-06 (no reasoning price: reasoning at the output price)
 * </pre>
 * Answers round dollars to 1e-8, so costs compare within 1e-9: exact to the micro-dollar and beyond.
 */
class AnalyticsApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "sk-analytics-test";
    private static final String[] AUTH = {"Authorization", "Bearer " + KEY};
    private static final Offset<Double> MICRO = within(1e-9);

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-analytics-test
            providers:
              # The failed call must stay failed: no retry takes the next call's answer.
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream, retries: {max: 0}}
              - {name: backup, kind: openai_compatible, base_url: "${UPSTREAM}"}
              - {name: local, kind: ollama, base_url: "${UPSTREAM}"}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    /** One call made before the tests, with the cost worked out by hand. */
    record Call(String id, String agent, String feature, String provider, String model, Usage usage, double cost, boolean error) {
    }

    /** The calls in the order they were made. */
    private static final List<Call> CALLS = List.of(
            // 1200 × 1.5e-7 + 300 × 6e-7 = 0.00018 + 0.00018
            new Call("plain", "imperium", "chat", "openai", "gpt-4o-mini", new Usage(1_200, 300, 0, 0, false), 0.00036, false),
            // streamed, usage from the stream's usage chunk: 900 × 1.5e-7 + 150 × 6e-7 = 0.000135 + 0.00009
            new Call("streamed", "imperium", "summarize", "openai", "gpt-4o-mini", new Usage(900, 150, 0, 0, false), 0.000225, false),
            // 500 uncached × 2.5e-6 + 1500 cached × 1.25e-6 + 100 × 1e-5 = 0.00125 + 0.001875 + 0.001
            new Call("cached", "scout", "chat", "openai", "gpt-4o", new Usage(2_000, 100, 1_500, 0, false), 0.004125, false),
            // 500 × 1.1e-6 + 500 plain output × 4.4e-6 + 2000 reasoning × 4.4e-6 = 0.00055 + 0.0022 + 0.0088
            new Call("reasoning", "scout", "plan", "openai", "o3-mini", new Usage(500, 2_500, 0, 2_000, false), 0.01155, false),
            // an OpenAI-compatible provider serving a model the table knows: 100 × 1.5e-7 + 100 × 6e-7
            new Call("backup", "scout", "chat", "backup", "gpt-4o-mini", new Usage(100, 100, 0, 0, false), 0.000075, false),
            // a local model is free
            new Call("local", "imperium", "chat", "local", "llama3.2", new Usage(50, 50, 0, 0, false), 0, false),
            // the upstream fails: a 502 for the client, no tokens, no cost, one error
            new Call("failed", "imperium", "chat", "openai", "gpt-4o-mini", Usage.NONE, 0, true));

    private static final Map<String, Instant> TIMES = new LinkedHashMap<>();

    @BeforeAll
    static void makeTheCalls() {
        for (Call c : CALLS) {
            String model = switch (c.provider()) {
                case "backup" -> "backup/" + c.model();
                case "local" -> "ollama/" + c.model();
                default -> c.model();
            };
            boolean stream = c.id().equals("streamed");
            if (c.error()) {
                upstream.enqueue(OpenAiFixtures.error(500, "server_error", null, "The server had an error while processing your request."));
            } else if (stream) {
                upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks(c.model(), List.of("Sum", "mary."), c.usage())));
            } else {
                upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion(c.model(), "ok", c.usage())));
            }
            HttpResponse<String> response = gateway.post("/v1/chat/completions",
                    "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + c.id() + "\"}]}",
                    "Authorization", "Bearer " + KEY, "X-Tollgate-Request-Id", c.id(), "X-Tollgate-Agent", c.agent(),
                    "X-Tollgate-Feature", c.feature());
            assertThat(response.statusCode()).as(c.id()).isEqualTo(c.error() ? 502 : 200);
        }
        for (Call c : CALLS) {
            UsageEvent stored = gateway.event(c.id());
            assertThat(stored.usage()).as(c.id()).isEqualTo(c.usage());
            TIMES.put(c.id(), stored.time());
        }
    }

    private static JsonNode getJson(String path) {
        HttpResponse<String> response = gateway.get(path, AUTH);
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    /** The calls made at or after {@code from}: what a period starting there must count. */
    private static List<Call> since(Instant from) {
        return CALLS.stream().filter(c -> !TIMES.get(c.id()).isBefore(from)).toList();
    }

    private static List<Call> where(Predicate<Call> p) {
        return CALLS.stream().filter(p).toList();
    }

    /** Asserts the totals fields of {@code node} against the calls it must sum. */
    private static void assertTotals(JsonNode node, List<Call> calls) {
        assertThat(node.path("requests").asLong()).as("requests").isEqualTo(calls.size());
        assertThat(node.path("errors").asLong()).as("errors").isEqualTo(calls.stream().filter(Call::error).count());
        assertThat(node.path("input_tokens").asLong()).as("input_tokens").isEqualTo(calls.stream().mapToLong(c -> c.usage().inputTokens()).sum());
        assertThat(node.path("output_tokens").asLong()).as("output_tokens").isEqualTo(calls.stream().mapToLong(c -> c.usage().outputTokens()).sum());
        assertThat(node.path("cached_tokens").asLong()).as("cached_tokens").isEqualTo(calls.stream().mapToLong(c -> c.usage().cachedTokens()).sum());
        assertThat(node.path("reasoning_tokens").asLong()).as("reasoning_tokens")
                .isEqualTo(calls.stream().mapToLong(c -> c.usage().reasoningTokens()).sum());
        assertThat(node.path("total_tokens").asLong()).as("total_tokens").isEqualTo(calls.stream().mapToLong(c -> c.usage().totalTokens()).sum());
        assertThat(node.path("cost_usd").asDouble()).as("cost_usd").isCloseTo(calls.stream().mapToDouble(Call::cost).sum(), MICRO);
        assertThat(node.path("price_unknown_requests").asLong()).as("price_unknown_requests").isZero();
    }

    // ---------------------------------------------------------------- cost summary

    @Test
    void costSummary_sumsEveryCallAtItsHandComputedCost() {
        JsonNode summary = getJson("/analytics/cost-summary?period=24h");

        assertThat(summary.path("period").asString()).isEqualTo("24h");
        assertTotals(summary, CALLS);
        // 0.00036 + 0.000225 + 0.004125 + 0.01155 + 0.000075 + 0 + 0
        assertThat(summary.path("cost_usd").asDouble()).isCloseTo(0.016335, MICRO);
        assertThat(summary.path("requests").asLong()).isEqualTo(7);
        assertThat(summary.path("errors").asLong()).isEqualTo(1);
        assertThat(rows(summary.path("by_model"), "model")).containsExactly("o3-mini", "gpt-4o", "gpt-4o-mini", "llama3.2");
        assertTotals(row(summary.path("by_model"), "model", "gpt-4o-mini"), where(c -> c.model().equals("gpt-4o-mini")));
        assertThat(row(summary.path("by_model"), "model", "gpt-4o-mini").path("cost_usd").asDouble()).isCloseTo(0.00066, MICRO);
        assertThat(rows(summary.path("by_provider"), "provider")).containsExactly("openai", "backup", "local");
        assertThat(row(summary.path("by_provider"), "provider", "openai").path("cost_usd").asDouble()).isCloseTo(0.01626, MICRO);
    }

    @Test
    void eachCall_isBilledItsHandComputedCost_toTheMicroDollar() {
        JsonNode data = getJson("/analytics/recent-inferences?limit=100").path("data");

        for (Call c : CALLS) {
            JsonNode event = find(data, "request_id", c.id());
            assertThat(event.path("cost_usd").asDouble()).as(c.id()).isCloseTo(c.cost(), MICRO);
            assertThat(event.path("price_known").asBoolean()).as(c.id()).isTrue();
            assertThat(event.path("provider").asString()).as(c.id()).isEqualTo(c.provider());
            assertThat(event.path("model").asString()).as(c.id()).isEqualTo(c.model());
            assertThat(event.path("input_tokens").asLong()).as(c.id()).isEqualTo(c.usage().inputTokens());
            assertThat(event.path("cached_tokens").asLong()).as(c.id()).isEqualTo(c.usage().cachedTokens());
            assertThat(event.path("reasoning_tokens").asLong()).as(c.id()).isEqualTo(c.usage().reasoningTokens());
            assertThat(event.path("stream").asBoolean()).as(c.id()).isEqualTo(c.id().equals("streamed"));
            assertThat(event.path("status").asInt()).as(c.id()).isEqualTo(c.error() ? 502 : 200);
            assertThat(event.path("source").asString()).isEqualTo("proxy");
        }
        assertThat(find(data, "request_id", "failed").path("error_code").asString()).isEqualTo("upstream_error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1h", "24h", "7d", "30d"})
    void rollingPeriods_allCountTheCallsJustMade(String period) {
        JsonNode summary = getJson("/analytics/cost-summary?period=" + period);

        assertThat(summary.path("period").asString()).isEqualTo(period);
        Instant from = Instant.parse(summary.path("from").asString());
        Instant to = Instant.parse(summary.path("to").asString());
        assertThat(Duration.between(from, to)).isEqualTo(switch (period) {
            case "1h" -> Duration.ofHours(1);
            case "24h" -> Duration.ofHours(24);
            case "7d" -> Duration.ofDays(7);
            default -> Duration.ofDays(30);
        });
        assertTotals(summary, since(from.truncatedTo(ChronoUnit.HOURS)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"day", "month"})
    void calendarPeriods_startAtUtcMidnightOrTheFirstOfTheMonth(String period) {
        JsonNode summary = getJson("/analytics/cost-summary?period=" + period);

        Instant from = Instant.parse(summary.path("from").asString());
        Instant to = Instant.parse(summary.path("to").asString());
        assertThat(from).isEqualTo(period.equals("day") ? to.truncatedTo(ChronoUnit.DAYS)
                : YearMonth.from(to.atZone(ZoneOffset.UTC)).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        assertTotals(summary, since(from));
    }

    // ---------------------------------------------------------------- breakdown

    static Stream<Arguments> dimensions() {
        return Stream.of(
                // scout 0.004125 + 0.01155 + 0.000075 = 0.01575; imperium 0.00036 + 0.000225 = 0.000585
                Arguments.of("agent", List.of("scout", "imperium")),
                // plan 0.01155; chat 0.00036 + 0.004125 + 0.000075 = 0.00456; summarize 0.000225
                Arguments.of("feature", List.of("plan", "chat", "summarize")),
                Arguments.of("model", List.of("o3-mini", "gpt-4o", "gpt-4o-mini", "llama3.2")),
                Arguments.of("provider", List.of("openai", "backup", "local")),
                Arguments.of("key", List.of("master")));
    }

    @ParameterizedTest(name = "by={0}")
    @MethodSource("dimensions")
    void breakdown_byEachDimension_ordersRowsByCost_andSumsEachGroup(String by, List<String> order) {
        JsonNode answer = getJson("/analytics/breakdown?by=" + by + "&period=30d");

        assertThat(answer.path("by").asString()).isEqualTo(by);
        assertThat(answer.path("period").asString()).isEqualTo("30d");
        assertThat(rows(answer.path("rows"), by)).containsExactlyElementsOf(order);
        for (String value : order) {
            assertTotals(row(answer.path("rows"), by, value), where(c -> value.equals(switch (by) {
                case "agent" -> c.agent();
                case "feature" -> c.feature();
                case "model" -> c.model();
                case "provider" -> c.provider();
                default -> "master";
            })));
        }
    }

    @Test
    void breakdown_periodDefaultsToThirtyDays_andOrgScopeNarrowsIt() {
        assertThat(getJson("/analytics/breakdown?by=agent").path("period").asString()).isEqualTo("30d");
        assertThat(getJson("/analytics/breakdown?by=agent&org_id=default").path("rows")).hasSize(2);
        assertThat(getJson("/analytics/breakdown?by=agent&org_id=another-org").path("rows")).isEmpty();
    }

    // ---------------------------------------------------------------- recent inferences

    @Test
    void recentInferences_areNewestFirst_filteredAndLimited() {
        assertThat(requestIds("/analytics/recent-inferences?limit=2")).containsExactly("failed", "local");
        assertThat(requestIds("/analytics/recent-inferences?agent=scout")).containsExactly("backup", "reasoning", "cached");
        assertThat(requestIds("/analytics/recent-inferences?feature=plan")).containsExactly("reasoning");
        assertThat(requestIds("/analytics/recent-inferences?model=gpt-4o")).containsExactly("cached");
        assertThat(requestIds("/analytics/recent-inferences?provider=backup")).containsExactly("backup");
        assertThat(requestIds("/analytics/recent-inferences?agent=imperium&model=gpt-4o-mini&limit=2")).containsExactly("failed", "streamed");
        assertThat(requestIds("/analytics/recent-inferences?agent=imperium&provider=local")).containsExactly("local");
        assertThat(requestIds("/analytics/recent-inferences?limit=1000")).containsExactly(
                "failed", "local", "backup", "reasoning", "cached", "streamed", "plain");
    }

    @Test
    void recentInferences_filterValuesAreData_neverSql() {
        // An agent filter is a tag (letters, digits, spaces, . _ - : /): quotes and '=' are refused before any query runs.
        assertThat(gateway.get("/analytics/recent-inferences?agent=%27%20OR%20%271%27%3D%271", AUTH).statusCode()).isEqualTo(400);
        assertThat(requestIds("/analytics/recent-inferences?agent=x%20OR%201")).isEmpty();
        assertThat(requestIds("/analytics/recent-inferences?model=gpt-4o%22%29%3B%20DROP%20TABLE%20usage_events%3B--")).isEmpty();
        assertThat(requestIds("/analytics/recent-inferences")).hasSize(CALLS.size());
    }

    // ---------------------------------------------------------------- forecast

    @Test
    void forecast_projectsTheMonthToDate_withTheDocumentedFormula() {
        JsonNode f = getJson("/analytics/forecast");

        Instant asOf = Instant.parse(f.path("as_of").asString());
        YearMonth month = YearMonth.parse(f.path("month").asString());
        assertThat(month).isEqualTo(YearMonth.from(asOf.atZone(ZoneOffset.UTC)));
        assertThat(f.path("method").asString()).contains("month_to_date").contains("7 days");
        Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<Call> monthToDate = since(start);
        assertTotals(f.path("month_to_date"), monthToDate);
        // Every call was made within the last minutes, so the run-rate window holds all of this month's calls:
        // projected = mtd + mtd / rate_days × days_left, rate_days = min(7, days elapsed), at least an hour.
        Instant rateFrom = asOf.minus(Duration.ofDays(7)).isBefore(start) ? start : asOf.minus(Duration.ofDays(7));
        double rateDays = Math.max(Duration.between(rateFrom, asOf).toMillis() / 86_400_000.0, 1.0 / 24);
        double daysLeft = Duration.between(asOf, end).toMillis() / 86_400_000.0;
        double mtd = monthToDate.stream().mapToDouble(Call::cost).sum();
        long tokens = monthToDate.stream().mapToLong(c -> c.usage().totalTokens()).sum();
        assertThat(f.path("projected_month_end").path("cost_usd").asDouble()).isCloseTo(mtd + mtd / rateDays * daysLeft, within(2e-8));
        assertThat(f.path("projected_month_end").path("total_tokens").asLong()).isEqualTo(Math.round(tokens + tokens / rateDays * daysLeft));
        JsonNode scout = find(f.path("agents"), "agent", "scout");
        assertTotals(scout.path("month_to_date"), monthToDate.stream().filter(c -> c.agent().equals("scout")).toList());
        assertThat(scout.path("projected_month_end").path("cost_usd").asDouble()).isGreaterThanOrEqualTo(scout.path("month_to_date").path("cost_usd").asDouble());
    }

    // ---------------------------------------------------------------- token-usage API

    @Test
    void tokenUsageSummary_givesEachAgentItsMonthPerProvider() {
        JsonNode summary = getJson("/api/token-usage/summary");

        Instant start = YearMonth.parse(summary.path("month").asString()).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<Call> month = since(start);
        assertThat(rows(summary.path("agents"), "ai_name")).containsExactlyInAnyOrder("imperium", "scout");
        JsonNode imperium = find(summary.path("agents"), "ai_name", "imperium");
        assertTotals(imperium, month.stream().filter(c -> c.agent().equals("imperium")).toList());
        assertThat(names(imperium.path("providers"))).containsExactlyInAnyOrder("openai", "local");
        assertTotals(imperium.path("providers").path("openai"),
                month.stream().filter(c -> c.agent().equals("imperium") && c.provider().equals("openai")).toList());
        JsonNode scout = find(summary.path("agents"), "ai_name", "scout");
        assertThat(names(scout.path("providers"))).containsExactlyInAnyOrder("openai", "backup");
        // 0.004125 + 0.01155
        assertThat(scout.path("providers").path("openai").path("cost_usd").asDouble()).isCloseTo(0.015675, MICRO);
    }

    @Test
    void tokenUsageOfOneAgent_andOfAnAgentWithoutCalls() {
        JsonNode scout = getJson("/api/token-usage/ai/scout");
        JsonNode nobody = getJson("/api/token-usage/ai/nobody");

        assertThat(scout.path("ai_name").asString()).isEqualTo("scout");
        Instant start = YearMonth.parse(scout.path("month").asString()).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        assertTotals(scout, since(start).stream().filter(c -> c.agent().equals("scout")).toList());
        assertTotals(scout.path("providers").path("backup"), since(start).stream().filter(c -> c.id().equals("backup")).toList());
        assertThat(nobody.path("ai_name").asString()).isEqualTo("nobody");
        assertTotals(nobody, List.of());
        assertThat(nobody.path("providers").isEmpty()).isTrue();
    }

    @Test
    void tokenUsageHistory_listsTheLastNMonthsOldestFirst() {
        JsonNode history = getJson("/api/token-usage/history/scout?months=3");
        JsonNode sixMonths = getJson("/api/token-usage/history/scout");

        assertThat(history.path("ai_name").asString()).isEqualTo("scout");
        JsonNode months = history.path("months");
        assertThat(months).hasSize(3);
        YearMonth last = YearMonth.parse(months.get(2).path("month").asString());
        assertThat(months.get(0).path("month").asString()).isEqualTo(last.minusMonths(2).toString());
        assertThat(months.get(1).path("month").asString()).isEqualTo(last.minusMonths(1).toString());
        Instant start = last.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<Call> scoutThisMonth = since(start).stream().filter(c -> c.agent().equals("scout")).toList();
        assertTotals(months.get(2), scoutThisMonth);
        assertThat(names(months.get(2).path("providers"))).containsExactlyInAnyOrder("openai", "backup");
        assertTotals(months.get(0), List.of());
        assertThat(months.get(0).path("providers").isEmpty()).isTrue();
        assertThat(sixMonths.path("months")).hasSize(6);
    }

    // ---------------------------------------------------------------- governance

    @Test
    void governanceUsage_byDayAndMonth_scopedByOrg() {
        for (String period : List.of("day", "month")) {
            JsonNode all = getJson("/governance/usage?period=" + period);
            JsonNode org = getJson("/governance/usage?period=" + period + "&org_id=default");
            JsonNode other = getJson("/governance/usage?period=" + period + "&org_id=another-org");

            Instant from = Instant.parse(all.path("from").asString());
            assertThat(all.path("period").asString()).isEqualTo(period);
            assertThat(all.path("org_id").isNull()).isTrue();
            assertTotals(all, since(from));
            assertThat(org.path("org_id").asString()).isEqualTo("default");
            assertTotals(org, since(Instant.parse(org.path("from").asString())));
            assertThat(rows(org.path("by_model"), "model")).startsWith("o3-mini", "gpt-4o");
            assertThat(other.path("org_id").asString()).isEqualTo("another-org");
            assertTotals(other, List.of());
            assertThat(other.path("by_model")).isEmpty();
        }
        assertThat(getJson("/governance/usage").path("period").asString()).isEqualTo("month");
    }

    // ---------------------------------------------------------------- time series, pages, whoami (the dashboard's reads)

    @Test
    void timeseries_hourly_hasEveryHourOfThePeriod_andItsBucketsAddUpToTheCostSummary() {
        JsonNode series = getJson("/analytics/timeseries?period=24h");
        JsonNode summary = getJson("/analytics/cost-summary?period=24h");

        assertThat(series.path("interval").asString()).isEqualTo("hour");
        JsonNode buckets = series.path("buckets");
        // 24 hours from a moment inside an hour touch 25 hourly buckets (one when the period starts on the hour).
        assertThat(buckets.size()).isBetween(24, 25);
        Instant first = Instant.parse(buckets.path(0).path("start").asString());
        for (int i = 0; i < buckets.size(); i++) {
            assertThat(Instant.parse(buckets.path(i).path("start").asString())).isEqualTo(first.plus(Duration.ofHours(i)));
        }
        assertThat(first).isEqualTo(Instant.parse(series.path("from").asString()).truncatedTo(ChronoUnit.HOURS));
        double cost = 0;
        long requests = 0;
        long tokens = 0;
        for (JsonNode b : buckets) {
            cost += b.path("cost_usd").asDouble();
            requests += b.path("requests").asLong();
            tokens += b.path("total_tokens").asLong();
        }
        assertThat(cost).isCloseTo(0.016335, MICRO);
        assertThat(requests).isEqualTo(CALLS.size());
        assertThat(tokens).isEqualTo(summary.path("total_tokens").asLong());
        // Each call is in the bucket of its hour.
        for (Call c : CALLS) {
            Instant hour = TIMES.get(c.id()).truncatedTo(ChronoUnit.HOURS);
            JsonNode bucket = find(buckets, "start", hour.toString());
            assertThat(bucket.path("requests").asLong()).as(c.id()).isEqualTo(
                    CALLS.stream().filter(o -> TIMES.get(o.id()).truncatedTo(ChronoUnit.HOURS).equals(hour)).count());
        }
    }

    @Test
    void timeseries_daily_isTheDefaultBeyondTwoDays_scopedAndTaggedLikeTheOtherReads() {
        JsonNode series = getJson("/analytics/timeseries?period=30d&agent=scout");

        assertThat(series.path("interval").asString()).isEqualTo("day");
        JsonNode buckets = series.path("buckets");
        assertThat(buckets.size()).isEqualTo(31);
        assertThat(Instant.parse(buckets.path(0).path("start").asString())).isEqualTo(Instant.parse(series.path("from").asString()).truncatedTo(ChronoUnit.DAYS));
        double cost = 0;
        long requests = 0;
        for (JsonNode b : buckets) {
            cost += b.path("cost_usd").asDouble();
            requests += b.path("requests").asLong();
        }
        // scout: cached (0.004125) + reasoning (0.01155) + backup (0.000075)
        assertThat(cost).isCloseTo(0.01575, MICRO);
        assertThat(requests).isEqualTo(3);
        assertThat(getJson("/analytics/timeseries?period=30d&org_id=nobody").path("buckets")).allSatisfy(b -> assertThat(b.path("requests").asLong()).isZero());
    }

    @Test
    void recentInferences_pagesWithTheCursor_walkEveryCallOnce_newestFirst() {
        List<String> all = requestIds("/analytics/recent-inferences?limit=100");
        List<String> walked = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            JsonNode answer = getJson("/analytics/recent-inferences?limit=3" + (cursor == null ? "" : "&before=" + cursor));
            answer.path("data").forEach(e -> walked.add(e.path("request_id").asString()));
            cursor = answer.path("next_cursor").asString(null);
            if (cursor == null) {
                break;
            }
            assertThat(answer.path("data")).hasSize(3);
            assertThat(cursor).isEqualTo(answer.path("data").path(2).path("id").asString());
        }
        assertThat(walked).containsExactlyElementsOf(all).hasSize(CALLS.size());
        List<String> imperium = new ArrayList<>();
        JsonNode first = getJson("/analytics/recent-inferences?limit=2&agent=imperium");
        first.path("data").forEach(e -> imperium.add(e.path("request_id").asString()));
        getJson("/analytics/recent-inferences?limit=100&agent=imperium&before=" + first.path("next_cursor").asString()).path("data")
                .forEach(e -> imperium.add(e.path("request_id").asString()));
        assertThat(imperium).containsExactlyElementsOf(requestIds("/analytics/recent-inferences?limit=100&agent=imperium"));
    }

    @Test
    void recentInferences_withACursorOfNoStoredEvent_isA400SayingWhatToDo() {
        HttpResponse<String> response = gateway.get("/analytics/recent-inferences?before=evt-that-never-was", AUTH);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("param").asString()).isEqualTo("before");
        assertThat(error.path("message").asString()).startsWith("before: no stored event").contains("start again from the newest page");
    }

    @Test
    void whoami_namesTheCallersKeyOrgAndScopes_neverItsSecret() {
        JsonNode me = getJson("/analytics/whoami");

        assertThat(me.path("key_id").asString()).isEqualTo("master");
        assertThat(me.path("all_orgs").asBoolean()).isTrue();
        assertThat(me.path("scopes").toString()).isEqualTo("[\"admin\",\"analytics\",\"infer\"]");
        assertThat(me.toString()).doesNotContain(KEY);
    }

    // ---------------------------------------------------------------- refusals

    static Stream<Arguments> badParameters() {
        return Stream.of(
                Arguments.of("/analytics/cost-summary?period=2w", "period", "2w"),
                Arguments.of("/analytics/breakdown?by=colour", "by", "colour"),
                Arguments.of("/analytics/breakdown?by=org", "by", "org"),
                Arguments.of("/analytics/breakdown", "by", "missing"),
                Arguments.of("/analytics/breakdown?by=model&period=1y", "period", "1y"),
                Arguments.of("/analytics/recent-inferences?limit=0", "limit", "0"),
                Arguments.of("/analytics/recent-inferences?limit=1001", "limit", "1001"),
                Arguments.of("/analytics/recent-inferences?limit=ten", "limit", "ten"),
                Arguments.of("/analytics/recent-inferences?limit=-5", "limit", "-5"),
                Arguments.of("/analytics/recent-inferences?limit=99999999999999999999", "limit", "99999999999999999999"),
                Arguments.of("/api/token-usage/history/scout?months=99", "months", "99"),
                Arguments.of("/api/token-usage/history/scout?months=0", "months", "0"),
                Arguments.of("/api/token-usage/history/scout?months=1.5", "months", "1.5"),
                Arguments.of("/governance/usage?period=week", "period", "week"),
                Arguments.of("/governance/usage?period=24h", "period", "24h"),
                Arguments.of("/analytics/timeseries?interval=minute", "interval", "minute"),
                Arguments.of("/analytics/timeseries?period=1y", "period", "1y"),
                Arguments.of("/analytics/timeseries?period=30d&interval=hour", "interval", "hour"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badParameters")
    void badQueryParameter_isA400InOpenAiShape_namingTheParameter(String path, String param, String shown) {
        HttpResponse<String> response = gateway.get(path, AUTH);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asString()).isEqualTo(param);
        assertThat(error.path("message").asString()).startsWith(param + ":").contains(shown).contains("expected");
        assertThat(error.has("code")).isTrue();
    }

    @Test
    void emptyParameters_meanTheirDefaults() {
        assertThat(getJson("/analytics/cost-summary?period=").path("period").asString()).isEqualTo("24h");
        assertThat(getJson("/analytics/recent-inferences?limit=&agent=").path("data")).hasSize(CALLS.size());
    }

    static Stream<String> everyRoute() {
        return Stream.of("/analytics/cost-summary", "/analytics/recent-inferences", "/analytics/breakdown?by=model",
                "/analytics/forecast", "/api/token-usage/summary", "/api/token-usage/ai/scout", "/api/token-usage/history/scout",
                "/governance/usage", "/analytics/timeseries", "/analytics/whoami");
    }

    @ParameterizedTest
    @MethodSource("everyRoute")
    void missingOrWrongKey_isA401InOpenAiShape(String path) {
        HttpResponse<String> missing = gateway.get(path);
        HttpResponse<String> wrong = gateway.get(path, "Authorization", "Bearer sk-not-the-key");

        for (HttpResponse<String> response : List.of(missing, wrong)) {
            assertThat(response.statusCode()).isEqualTo(401);
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertThat(error.path("type").asString()).isEqualTo("authentication_error");
            assertThat(error.path("code").asString()).isEqualTo("invalid_api_key");
            assertThat(error.path("message").asString()).doesNotContain("sk-not-the-key");
            assertThat(response.body()).doesNotContain("cost_usd");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> requestIds(String path) {
        List<String> ids = new ArrayList<>();
        getJson(path).path("data").forEach(e -> ids.add(e.path("request_id").asString()));
        return ids;
    }

    private static List<String> rows(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(r -> out.add(r.path(field).asString()));
        return out;
    }

    private static JsonNode row(JsonNode array, String field, String value) {
        return find(array, field, value);
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asString())) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + array);
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.propertyNames().forEach(out::add);
        return out;
    }
}
