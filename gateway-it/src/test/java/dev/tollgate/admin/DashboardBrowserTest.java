package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.GatewayExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dashboard in a real browser: headless Chromium driven by {@code dashboard-tests/dashboard.test.mjs}
 * (playwright-core) against a real gateway whose ledger is seeded through the API with known calls. The
 * script signs in with each kind of key, clicks through every panel and records what the page shows
 * (the raw value behind each figure, the rows of each table, CSV downloads, console errors); this class
 * asserts those observations against the JSON APIs for the same period and org, and against the costs
 * worked out by hand for the seeded calls. Screenshots are kept in {@code target/dashboard/}.
 *
 * <p>Skipped when Chromium, Node or the test package's {@code node_modules} is missing, unless
 * {@code TOLLGATE_REQUIRE_BROWSER=1} (as in {@code .ci/run}), which makes it fail instead.
 *
 * <p>Seeded calls reported with {@code /api/log} (prices per token: gpt-4o input 2.5e-6, output 1e-5;
 * gpt-4o-mini input 1.5e-7, output 6e-7): in org acme, scout/plan gpt-4o 400,000 + 100,000 tokens =
 * $2.00 two hours ago; scout/chat gpt-4o-mini 1,000,000 + 500,000 = $0.45 three hours ago;
 * imperium/chat gpt-4o 200,000 + 50,000 = $1.00 five hours ago; scout/plan gpt-4o 800,000 + 0 = $2.00
 * three days ago; 30 pager/batch gpt-4o-mini 1,000 + 100 = $0.00021 each in the last hour. In org globex,
 * other/chat gpt-4o 400,000 + 0 = $1.00. On top of these, calls through the proxy (the simulated
 * provider) by acme's imperium until its budget raises a critical alert, and last one reported call whose
 * model name is a spreadsheet formula with markup in it (no known price: $0).
 */
class DashboardBrowserTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-dashboard-master";
    private static final Offset<Double> MICRO = within(1e-9);
    private static final Path TESTS = Path.of("").toAbsolutePath().getParent().resolve("dashboard-tests");
    private static final Path ARTIFACTS = Path.of("target", "dashboard").toAbsolutePath();
    private static final String ODD_MODEL = "=HYPERLINK(\"x\",\"y\")<img src=x onerror=alert(1)>";

    /** The gateway's clock stands still: the periods the page shows and the API answers later are the same. */
    private static final FakeClock CLOCK = new FakeClock(Instant.now());

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-dashboard-master
            providers:
              - {name: sim, kind: simulated}
            budgets:
              - name: imperium-tokens
                scope: {org: acme, agent: imperium, provider: sim}
                metric: tokens
                period: total
                limit: 1000
              - name: acme-agent-requests
                scope: {org: acme, agent: "*", provider: sim}
                metric: requests
                period: month
                limit: 1000
                thresholds: [{at: 0.5, action: warn}]
            """).clock(CLOCK);

    private static String acmeIngest;
    private static String acmeAnalytics;
    private static String acmeAdmin;
    private static JsonNode seen;

    @BeforeAll
    static void seedTheLedgerAndDriveTheBrowser() throws Exception {
        BrowserScript.requireOrSkip(TESTS);
        createOrg("acme");
        createOrg("globex");
        acmeIngest = key("acme", "ingest", "infer", "analytics");
        acmeAnalytics = key("acme", "finance", "analytics");
        acmeAdmin = key("acme", "platform", "admin", "analytics");
        String globexIngest = key("globex", "ingest", "infer", "analytics");
        Instant now = CLOCK.instant();
        ArrayNode acme = JSON.createArrayNode();
        acme.add(event("dash-plan-2h", now.minus(Duration.ofHours(2)), "scout", "plan", "gpt-4o", 400_000, 100_000));
        acme.add(event("dash-chat-3h", now.minus(Duration.ofHours(3)), "scout", "chat", "gpt-4o-mini", 1_000_000, 500_000));
        acme.add(event("dash-imperium-5h", now.minus(Duration.ofHours(5)), "imperium", "chat", "gpt-4o", 200_000, 50_000));
        acme.add(event("dash-plan-3d", now.minus(Duration.ofDays(3)), "scout", "plan", "gpt-4o", 800_000, 0));
        for (int i = 0; i < 30; i++) {
            acme.add(event("dash-pager-" + i, now.minus(Duration.ofMinutes(2 + i)), "pager", "batch", "gpt-4o-mini", 1_000, 100));
        }
        ingest(acmeIngest, acme);
        ingest(globexIngest, JSON.createArrayNode().add(event("dash-globex", now.minus(Duration.ofHours(1)), "other", "chat", "gpt-4o", 400_000, 0)));
        raiseCriticalAlertByCallingThroughTheProxy();
        // A model name is free text (of an SDK's report): shown as text, and defused for spreadsheets in CSV.
        // Reported last, at the clock's instant, it is the newest call: the first row of every listing.
        ingest(acmeIngest, JSON.createArrayNode().add(event("dash-odd-model", now, "pager", "import", ODD_MODEL, 10, 10)));
        gateway.ledger().flush();
        seen = BrowserScript.run(TESTS, ARTIFACTS, Map.of("BASE_URL", gateway.baseUrl().toString(), "WRONG_KEY", "tg-not-a-key",
                "ANALYTICS_KEY", acmeAnalytics, "ADMIN_KEY", acmeAdmin, "MASTER_KEY", MASTER));
    }

    // ---------------------------------------------------------------- sign-in

    @Test
    void aWrongKey_isRefusedWithAClearMessage_andNothingIsKept() {
        JsonNode w = seen.path("wrongKey");
        assertThat(w.path("error").asString()).isEqualTo("This key was not accepted: invalid API key.");
        assertThat(w.path("panelsHidden").asBoolean()).isTrue();
        assertThat(w.path("storedKey").isNull()).isTrue();
        // The one 401 answer is all the browser reports.
        assertThat(strings(w.path("console"))).allSatisfy(line -> assertThat(line).contains("401"));
    }

    @Test
    void signIn_keepsTheKeyInSessionStorageOnly_andSignOutForgetsIt() {
        JsonNode a = seen.path("analytics");
        assertThat(a.path("storedKey").asString()).isEqualTo(acmeAnalytics);
        assertThat(a.path("role").asString()).isEqualTo("analytics");
        assertThat(a.path("afterSignOut").path("storedKey").isNull()).isTrue();
        assertThat(a.path("afterSignOut").path("panelsHidden").asBoolean()).isTrue();
    }

    @Test
    void everyPanelRenders_withNoConsoleError_forEveryKindOfKey() {
        for (String phase : List.of("analytics", "admin", "master")) {
            JsonNode o = seen.path(phase);
            assertThat(strings(o.path("console"))).as("%s: console", phase).isEmpty();
            JsonNode panels = o.path("panels");
            assertThat(panels.propertyNames()).as(phase)
                    .containsExactlyInAnyOrder("overview", "timeseries", "breakdown", "budgets", "providers", "forecast", "alerts", "recent");
            for (String id : panels.propertyNames()) {
                assertThat(panels.path(id).path("loaded").asInt()).as("%s: %s loaded", phase, id).isPositive();
                assertThat(panels.path(id).path("status").asString()).as("%s: %s status", phase, id).isEmpty();
            }
        }
        assertThat(seen.path("analytics").path("timeseriesCanvas").asInt()).isPositive();
        assertThat(seen.path("analytics").path("breakdown").path("model").path("bars").asInt()).isPositive();
    }

    // ---------------------------------------------------------------- figures equal the API's

    @Test
    void overview_showsTheCostSummaryOfThePeriod_toTheMicroDollar() {
        JsonNode api = api(acmeAnalytics, "/analytics/cost-summary?period=24h");
        JsonNode tiles = seen.path("analytics").path("overview");
        for (String field : List.of("cost_usd", "requests", "errors", "total_tokens", "input_tokens", "output_tokens", "cached_tokens",
                "cache_savings_usd", "routing_savings_usd", "avg_latency_ms", "price_unknown_requests", "cache_hits", "cache_hit_rate")) {
            assertThat(tile(tiles, field).path("value").asDouble()).as(field).isEqualTo(api.path(field).asDouble());
        }
        for (String tier : List.of("exact", "semantic", "workflow")) {
            assertThat(tile(tiles, "cache_" + tier + "_savings_usd").path("value").asDouble()).as(tier)
                    .isEqualTo(api.path("cache_tiers").path(tier).path("savings_usd").asDouble());
        }
        // The hand-computed part: acme's reported calls of the last 24 hours, plus what the proxied calls cost.
        double proxied = row(api(acmeAnalytics, "/analytics/breakdown?by=provider&period=24h").path("rows"), "provider", "sim").path("cost_usd").asDouble();
        assertThat(api.path("cost_usd").asDouble()).isCloseTo(2.00 + 0.45 + 1.00 + 30 * 0.00021 + proxied, MICRO);
        assertThat(tile(tiles, "cost_usd").path("text").asString()).isEqualTo(String.format(Locale.US, "$%,.2f", api.path("cost_usd").asDouble()));
        assertThat(tile(tiles, "requests").path("text").asString()).isEqualTo(String.format(Locale.US, "%,d", api.path("requests").asLong()));
    }

    @Test
    void overview_withAnotherPeriod_showsThatPeriod_andSwitchesTheChartToDays() {
        JsonNode a = seen.path("analytics");
        JsonNode api = api(acmeAnalytics, "/analytics/cost-summary?period=7d");
        assertThat(tile(a.path("overview7d"), "cost_usd").path("value").asDouble()).isEqualTo(api.path("cost_usd").asDouble());
        // The call of three days ago is in the 7 days, not in the 24 hours.
        assertThat(api.path("cost_usd").asDouble() - tile(a.path("overview"), "cost_usd").path("value").asDouble()).isCloseTo(2.00, MICRO);
        assertThat(a.path("interval7d").asString()).isEqualTo("day");
        assertSameBuckets(a.path("timeseries7d"), api(acmeAnalytics, "/analytics/timeseries?period=7d&interval=day"));
        a.path("panels7d").forEach(panel -> assertThat(panel.path("status").asString()).isEmpty());
    }

    @Test
    void timeSeries_showsEveryHourOfThePeriod_andAddsUpToTheOverview() {
        JsonNode rows = seen.path("analytics").path("timeseries");
        JsonNode api = api(acmeAnalytics, "/analytics/timeseries?period=24h&interval=hour");
        assertSameBuckets(rows, api);
        assertThat(rows.size()).isBetween(24, 25);
        double sum = StreamSupport.stream(rows.spliterator(), false).mapToDouble(r -> r.path("cost_usd").asDouble()).sum();
        assertThat(sum).isCloseTo(tile(seen.path("analytics").path("overview"), "cost_usd").path("value").asDouble(), within(1e-6));
    }

    @Test
    void breakdowns_byEveryDimension_showTheApisRowsInItsOrder() {
        for (String by : List.of("model", "provider", "key", "agent", "feature")) {
            JsonNode shown = seen.path("analytics").path("breakdown").path(by).path("rows");
            JsonNode api = api(acmeAnalytics, "/analytics/breakdown?by=" + by + "&period=24h").path("rows");
            assertThat(shown.size()).as(by).isEqualTo(api.size()).isPositive();
            for (int i = 0; i < api.size(); i++) {
                assertThat(shown.path(i).path(by).asString()).as("%s row %d", by, i).isEqualTo(api.path(i).path(by).asString());
                for (String field : List.of("requests", "errors", "total_tokens", "cost_usd")) {
                    assertThat(shown.path(i).path(field).asDouble()).as("%s %s %s", by, api.path(i).path(by).asString(), field)
                            .isEqualTo(api.path(i).path(field).asDouble());
                }
            }
        }
        JsonNode features = seen.path("analytics").path("breakdown").path("feature").path("rows");
        assertThat(row(features, "feature", "plan").path("cost_usd").asDouble()).isCloseTo(2.00, MICRO);
        assertThat(row(features, "feature", "batch").path("cost_usd").asDouble()).isCloseTo(30 * 0.00021, MICRO);
        assertThat(row(features, "feature", "batch").path("requests").asInt()).isEqualTo(30);
    }

    @Test
    void tables_sortByAColumnOnClick_descendingFirstForNumbers_thenAscending() {
        JsonNode a = seen.path("analytics");
        assertThat(a.path("sortedFirst").path("order").asString()).isEqualTo("descending");
        assertThat(column(a.path("sortedFirst").path("rows"), "requests")).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(a.path("sortedSecond").path("order").asString()).isEqualTo("ascending");
        assertThat(column(a.path("sortedSecond").path("rows"), "requests")).isSorted();
        List<String> names = texts(a.path("sortedByName"), "feature");
        assertThat(names).isSorted().containsExactlyInAnyOrder("batch", "chat", "import", "plan");
    }

    @Test
    void csvExport_holdsTheTablesRawValues_headerFirst() {
        JsonNode csv = seen.path("analytics").path("csv");
        assertThat(csv.path("breakdown").path("filename").asString()).isEqualTo("tollgate-breakdown-feature.csv");
        List<String> lines = csv.path("breakdown").path("text").asString().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("Feature,Requests,Errors,Input tokens,Output tokens,Cached tokens,Tokens,Cost,Cache savings,Cache hits,Avg latency");
        JsonNode api = api(acmeAnalytics, "/analytics/breakdown?by=feature&period=24h").path("rows");
        assertThat(lines).hasSize(api.size() + 1);
        List<String> fields = List.of("requests", "errors", "input_tokens", "output_tokens", "cached_tokens", "total_tokens", "cost_usd",
                "cache_savings_usd", "cache_hits", "avg_latency_ms");
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            JsonNode expected = row(api, "feature", cells[0]);
            assertThat(cells).as(line).hasSize(fields.size() + 1);
            for (int i = 0; i < fields.size(); i++) {
                assertThat(Double.parseDouble(cells[i + 1])).as("%s %s", cells[0], fields.get(i)).isEqualTo(expected.path(fields.get(i)).asDouble());
            }
        }
        // The page of recent inferences as first shown: a header and its 25 rows.
        List<String> recent = csv.path("recent").path("text").asString().lines().toList();
        assertThat(recent.getFirst()).startsWith("Time,Agent,Feature,Key,Provider,Model,Input,Output,Cost,Latency,Status,Cache,Routing reason");
        assertThat(recent).hasSize(1 + 25);
        // The free-text model: as a cell of text, never markup (no image request, no blocked handler in the console) ...
        assertThat(texts(seen.path("analytics").path("pages").path(0), "model")).contains(ODD_MODEL);
        // ... and with an apostrophe in CSV, so that a spreadsheet shows it instead of running it.
        assertThat(recent).anySatisfy(line -> assertThat(line).contains(",\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")<img src=x onerror=alert(1)>\","));
        assertThat(String.join("\n", recent)).doesNotContain(",=HYPERLINK", ",\"=HYPERLINK");
    }

    @Test
    void recentInferences_pageThroughEveryCallOnce_newestFirst_andBack() {
        JsonNode a = seen.path("analytics");
        List<String> walked = new ArrayList<>();
        a.path("pages").forEach(page -> page.forEach(r -> walked.add(r.path("request_id").asString())));
        List<String> api = new ArrayList<>();
        api(acmeAnalytics, "/analytics/recent-inferences?limit=1000").path("data").forEach(e -> api.add(e.path("request_id").asString()));
        assertThat(walked).hasSizeGreaterThan(40).doesNotHaveDuplicates().containsExactlyElementsOf(api);
        assertThat(a.path("pages").path(0).size()).isEqualTo(10);
        assertThat(a.path("pageLabels").path(1).asString()).isEqualTo("Page 2");
        int last = a.path("pages").size();
        assertThat(a.path("pageAfterPrev").path("label").asString()).isEqualTo("Page " + (last - 1));
        assertThat(a.path("pageAfterPrev").path("rows")).isEqualTo(a.path("pages").path(last - 2));
        // Every event shows its routing reason (the proxied ones have one).
        assertThat(walked).anySatisfy(id -> assertThat(id).startsWith("req_"));
        assertThat(StreamSupport.stream(a.path("pages").spliterator(), false).flatMap(p -> StreamSupport.stream(p.spliterator(), false))
                .filter(r -> r.path("provider").asString().equals("sim")).map(r -> r.path("routing_reason").asString()))
                .isNotEmpty().allSatisfy(reason -> assertThat(reason).contains("sim"));
    }

    @Test
    void recentInferences_filterByAgent_showsThatAgentsCallsOnly() {
        JsonNode rows = seen.path("analytics").path("recentScout");
        JsonNode api = api(acmeAnalytics, "/analytics/recent-inferences?limit=1000&agent=scout").path("data");
        assertThat(rows.size()).isEqualTo(api.size()).isEqualTo(3);
        rows.forEach(r -> assertThat(r.path("agent").asString()).isEqualTo("scout"));
        assertThat(seen.path("analytics").path("recentScoutLabel").asString()).isEqualTo("Page 1");
    }

    @Test
    void alerts_listTheApisAlerts_andFilterByLevel() {
        JsonNode all = api(acmeAnalytics, "/api/token-usage/alerts?limit=200").path("data");
        JsonNode shown = seen.path("analytics").path("alerts");
        assertThat(shown.size()).isEqualTo(all.size()).isGreaterThanOrEqualTo(2);
        for (int i = 0; i < all.size(); i++) {
            assertThat(shown.path(i).path("message").asString()).isEqualTo(all.path(i).path("message").asString());
            assertThat(shown.path(i).path("level").asString()).isEqualTo(all.path(i).path("level").asString());
        }
        JsonNode critical = seen.path("analytics").path("alertsCritical");
        assertThat(critical.size()).isEqualTo(api(acmeAnalytics, "/api/token-usage/alerts?level=critical").path("data").size()).isPositive()
                .isLessThan(shown.size());
        critical.forEach(r -> assertThat(r.path("level").asString()).isEqualTo("critical"));
    }

    @Test
    void budgets_showEachAgentsStanding_andTheProviderItWouldGetNow() {
        // Standings are live: compared with the API's answer fetched by the page's script when it read them.
        JsonNode api = seen.path("analytics").path("providerStatusApi").path("agents");
        JsonNode shown = seen.path("analytics").path("agents");
        assertThat(shown.size()).isEqualTo(api.size()).isPositive();
        for (int i = 0; i < api.size(); i++) {
            JsonNode a = api.path(i);
            assertThat(shown.path(i).path("agent").asString()).isEqualTo(a.path("agent").asString());
            assertThat(shown.path(i).path("chosen").asString()).isEqualTo(a.path("chosen").path("provider").asString(""));
            assertThat(shown.path(i).path("reason").asString()).isEqualTo(" — " + a.path("chosen").path("reason").asString());
            assertThat(shown.path(i).path("standings").size()).as("%s: shown %s, API %s", a.path("agent").asString(), shown.path(i), a)
                    .isEqualTo(a.path("providers").size());
            for (int j = 0; j < a.path("providers").size(); j++) {
                JsonNode s = a.path("providers").path(j);
                JsonNode d = shown.path(i).path("standings").path(j);
                assertThat(d.path("budget").asString()).isEqualTo(s.path("budget").asString());
                assertThat(d.path("state").asString()).isEqualTo(s.path("state").asString());
                assertThat(d.path("percentage").asDouble()).isEqualTo(s.path("percentage").asDouble());
            }
        }
        JsonNode imperium = StreamSupport.stream(shown.spliterator(), false).filter(a -> a.path("agent").asString().equals("imperium")).findFirst().orElseThrow();
        JsonNode tokens = StreamSupport.stream(imperium.path("standings").spliterator(), false)
                .filter(s -> s.path("budget").asString().equals("imperium-tokens")).findFirst().orElseThrow();
        assertThat(tokens.path("percentage").asDouble()).isGreaterThanOrEqualTo(95.0);
        assertThat(tokens.path("text").asString()).endsWith("of 1,000 (" + String.format(Locale.US, "%.1f", tokens.path("percentage").asDouble()) + "%) this total");
    }

    @Test
    void providers_showEachProvidersCallsAndSpend_withItsWorstBudgetState() {
        JsonNode api = api(acmeAnalytics, "/analytics/breakdown?by=provider&period=24h").path("rows");
        JsonNode shown = seen.path("analytics").path("providers");
        assertThat(shown.size()).isEqualTo(api.size());
        for (JsonNode p : api) {
            JsonNode r = row(shown, "provider", p.path("provider").asString());
            assertThat(r.path("requests").asLong()).isEqualTo(p.path("requests").asLong());
            assertThat(r.path("cost_usd").asDouble()).isEqualTo(p.path("cost_usd").asDouble());
            assertThat(r.path("error_rate").asDouble()).isCloseTo(100.0 * p.path("errors").asLong() / p.path("requests").asLong(), within(1e-9));
        }
        // The worst state of any budget counter on sim, from the API's standings of the same moment.
        List<String> rank = List.of("ok", "warn", "prefer_fallback", "emergency", "block", "exhausted");
        String worst = "ok";
        for (JsonNode agent : seen.path("analytics").path("providerStatusApi").path("agents")) {
            for (JsonNode s : agent.path("providers")) {
                if (s.path("provider").asString("").equals("sim") && rank.indexOf(s.path("state").asString()) > rank.indexOf(worst)) {
                    worst = s.path("state").asString();
                }
            }
        }
        assertThat(row(shown, "provider", "sim").path("budget_state").asString()).isEqualTo(worst);
        assertThat(row(shown, "provider", "openai").path("budget_state").asString()).isEmpty();
    }

    @Test
    void forecast_showsTheMonthToDateAndProjection_perAgent() {
        JsonNode api = api(acmeAnalytics, "/analytics/forecast");
        JsonNode f = seen.path("analytics").path("forecast");
        assertThat(f.path("mtd").asDouble()).isEqualTo(api.path("month_to_date").path("cost_usd").asDouble());
        assertThat(f.path("projected").asDouble()).isEqualTo(api.path("projected_month_end").path("cost_usd").asDouble());
        assertThat(f.path("rows").size()).isEqualTo(api.path("agents").size());
        for (JsonNode agent : api.path("agents")) {
            JsonNode r = row(f.path("rows"), "agent", agent.path("agent").asString());
            assertThat(r.path("projected_cost").asDouble()).isEqualTo(agent.path("projected_month_end").path("cost_usd").asDouble());
            assertThat(r.path("mtd_tokens").asLong()).isEqualTo(agent.path("month_to_date").path("total_tokens").asLong());
        }
    }

    @Test
    void onAPhone_thePageFitsTheScreenWidth() {
        JsonNode phone = seen.path("analytics").path("phone");
        assertThat(phone.path("scrollWidth").asInt()).isLessThanOrEqualTo(phone.path("innerWidth").asInt());
        assertThat(phone.path("chartWidth").asDouble()).isLessThanOrEqualTo(phone.path("innerWidth").asDouble());
        assertThat(ARTIFACTS.resolve("analytics-phone.png")).isNotEmptyFile();
        assertThat(ARTIFACTS.resolve("analytics-24h.png")).isNotEmptyFile();
    }

    // ---------------------------------------------------------------- who sees what

    @Test
    void anAnalyticsKey_seesNoBudgetManagement_andTheApiRefusesItsBudget() {
        assertThat(seen.path("analytics").path("rulesHidden").asBoolean()).isTrue();
        assertThat(seen.path("analytics").path("orgPickerHidden").asBoolean()).isTrue();
        JsonNode refused = seen.path("forbidden").path("status");
        assertThat(refused.path("status").asInt()).isEqualTo(403);
        assertThat(refused.path("body").path("error").path("code").asString()).isEqualTo("missing_scope");
        assertThat(api(MASTER, "/governance/budgets").path("data").findValuesAsString("name")).doesNotContain("sneaky");
    }

    @Test
    void anAdmin_createsEditsAndDeletesABudget_andABadOneIsRefusedWithTheApisMessage() {
        JsonNode o = seen.path("admin");
        assertThat(o.path("role").asString()).isEqualTo("admin");
        assertThat(o.path("rulesHidden").asBoolean()).isFalse();
        assertThat(o.path("orgFieldHidden").asBoolean()).isTrue();
        assertThat(o.path("badBudgetError").asString()).startsWith("limit: ").contains("expected");
        assertThat(strings(o.path("badBudgetConsole"))).singleElement().asString().contains("400");
        assertThat(o.path("created").path("status").asString()).isEqualTo("Budget 'dash-scout-dollars' created.");
        JsonNode created = row(o.path("created").path("rules"), "name", "dash-scout-dollars");
        assertThat(created.path("limit").asDouble()).isEqualTo(50.0);
        assertThat(created.path("scope").asString().split(", ")).containsExactlyInAnyOrder("agent=scout", "org=acme");
        assertThat(created.path("source").asString()).isEqualTo("api");
        assertThat(o.path("editNameDisabled").asBoolean()).isTrue();
        assertThat(row(o.path("edited"), "name", "dash-scout-dollars").path("limit").asDouble()).isEqualTo(75.0);
        assertThat(texts(o.path("deleted"), "name")).doesNotContain("dash-scout-dollars");
        assertThat(texts(o.path("rulesBefore"), "name")).containsExactlyInAnyOrder("imperium-tokens", "acme-agent-requests");
        // Each change was the org admin's, through the API: the audit log says so.
        List<String> actions = new ArrayList<>();
        api(MASTER, "/governance/audit?org_id=acme&limit=100").path("data").forEach(e -> {
            if (e.path("target").asString("").equals("dash-scout-dollars")) {
                actions.add(e.path("action").asString());
            }
        });
        assertThat(actions).containsExactlyInAnyOrder("budget.create", "budget.update", "budget.delete");
    }

    @Test
    void theMasterKey_picksAnyOrg_andEachOrgShowsItsOwnFigures() {
        JsonNode o = seen.path("master");
        assertThat(o.path("orgPickerHidden").asBoolean()).isFalse();
        assertThat(strings(o.path("orgs"))).contains("", "acme", "globex", "default");
        assertThat(o.path("overviewAll").asDouble()).isEqualTo(api(MASTER, "/analytics/cost-summary?period=24h").path("cost_usd").asDouble());
        assertThat(o.path("globex").path("cost").asDouble()).isCloseTo(1.00, MICRO);
        assertThat(strings(o.path("globex").path("agents"))).containsExactly("other");
        assertThat(o.path("globex").path("recent").asInt()).isEqualTo(1);
        assertThat(o.path("acme").path("cost").asDouble()).isEqualTo(api(acmeAnalytics, "/analytics/cost-summary?period=24h").path("cost_usd").asDouble());
        assertThat(o.path("overviewAll").asDouble()).isCloseTo(o.path("acme").path("cost").asDouble() + 1.00, within(1e-6));
    }

    // ---------------------------------------------------------------- seeding

    private static void createOrg(String id) {
        HttpResponse<String> r = gateway.post("/governance/orgs", "{\"id\":\"" + id + "\",\"name\":\"" + id.toUpperCase(Locale.ROOT) + "\"}",
                "Authorization", "Bearer " + MASTER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static String key(String org, String name, String... scopes) {
        ObjectNode body = JSON.createObjectNode().put("org_id", org).put("name", name);
        ArrayNode s = body.putArray("scopes");
        for (String scope : scopes) {
            s.add(scope);
        }
        HttpResponse<String> r = gateway.post("/governance/api-keys", body.toString(), "Authorization", "Bearer " + MASTER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asString();
    }

    private static ObjectNode event(String id, Instant at, String agent, String feature, String model, long input, long output) {
        return JSON.createObjectNode().put("event_id", id).put("timestamp", at.toString()).put("provider", "openai").put("model", model)
                .put("input_tokens", input).put("output_tokens", output).put("agent", agent).put("feature", feature).put("latency_ms", 400)
                .put("status", 200);
    }

    private static void ingest(String key, ArrayNode events) {
        ObjectNode body = JSON.createObjectNode();
        body.set("events", events);
        HttpResponse<String> r = gateway.post("/api/log", body.toString(), "Authorization", "Bearer " + key, "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("accepted").asInt()).isEqualTo(events.size());
    }

    /** Calls by acme's imperium through the proxy until its 1,000-token budget on sim passes 95% (a critical alert). */
    private static void raiseCriticalAlertByCallingThroughTheProxy() {
        String body = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"How is the budget?\"}]}";
        for (int i = 0; i < 100 && !hasCriticalAlert(); i++) {
            HttpResponse<String> r = gateway.post("/v1/chat/completions", body, "Authorization", "Bearer " + acmeIngest,
                    "X-Tollgate-Agent", "imperium", "X-Tollgate-Feature", "chat", "Content-Type", "application/json");
            if (r.statusCode() == 429) {
                break;
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        await().atMost(10, TimeUnit.SECONDS).until(DashboardBrowserTest::hasCriticalAlert);
    }

    private static boolean hasCriticalAlert() {
        return !api(acmeAnalytics, "/api/token-usage/alerts?level=critical").path("data").isEmpty();
    }

    // ---------------------------------------------------------------- reading

    private static JsonNode api(String key, String path) {
        HttpResponse<String> r = gateway.get(path, "Authorization", "Bearer " + key);
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void assertSameBuckets(JsonNode shown, JsonNode api) {
        JsonNode buckets = api.path("buckets");
        assertThat(shown.size()).isEqualTo(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            assertThat(shown.path(i).path("start").asString()).isEqualTo(buckets.path(i).path("start").asString());
            for (String field : List.of("requests", "total_tokens", "cost_usd")) {
                assertThat(shown.path(i).path(field).asDouble()).as("%s %s", buckets.path(i).path("start").asString(), field)
                        .isEqualTo(buckets.path(i).path(field).asDouble());
            }
        }
    }

    private static JsonNode tile(JsonNode tiles, String figure) {
        return row(tiles, "figure", figure);
    }

    private static JsonNode row(JsonNode rows, String field, String value) {
        return StreamSupport.stream(rows.spliterator(), false).filter(r -> r.path(field).asString().equals(value)).findFirst()
                .orElseThrow(() -> new AssertionError("no row with " + field + " = " + value + " in " + rows));
    }

    private static List<Double> column(JsonNode rows, String field) {
        return StreamSupport.stream(rows.spliterator(), false).map(r -> r.path(field).asDouble()).toList();
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
    }

    private static List<String> texts(JsonNode rows, String field) {
        return StreamSupport.stream(rows.spliterator(), false).map(r -> r.path(field).asString()).toList();
    }
}
