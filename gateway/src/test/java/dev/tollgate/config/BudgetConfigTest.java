package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.config.BudgetRuleConfig.Action;
import dev.tollgate.config.BudgetRuleConfig.Metric;
import dev.tollgate.config.BudgetRuleConfig.Period;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class BudgetConfigTest {

    private static final String PROVIDERS = """
            providers:
              - {name: anthropic, kind: openai_compatible, base_url: "http://127.0.0.1:9/v1", models: [claude-3-5-sonnet-20241022]}
              - {name: openai, kind: openai, api_key: sk-test}
            """;

    @TempDir
    Path dir;

    private TollgateConfig load(Map<String, String> env, String yaml) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env).load(Optional.of(file));
    }

    private List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(Map.of(), yaml));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        return e.problems();
    }

    @Test
    void theReferenceScenario_asYaml_bindsToRules() throws IOException {
        TollgateConfig config = load(Map.of(), PROVIDERS + """
                budget_settings: {time_zone: Europe/Berlin, priority_agents: [guardian], priority_keys: [key_ops]}
                budgets:
                  - name: anthropic-per-agent
                    scope: {agent: "*", provider: anthropic}
                    metric: tokens
                    period: month
                    limit: 140_000
                    thresholds: [{at: 0.95, action: prefer_fallback}]
                    fallback: {provider: openai, model: gpt-4o-mini, max_tokens: 1000, temperature: 0.7}
                  - name: openai-per-agent
                    scope: {agent: "*", provider: openai}
                    limit: 9000
                    alerts: {warning: 0.5}
                  - name: org-dollars
                    scope: {org: acme}
                    metric: cost_usd
                    period: day
                    time_zone: UTC
                    limit: 12.5
                    thresholds: [{at: 0.98, action: emergency}, {at: 0.8, action: warn}]
                """);

        BudgetRuleConfig anthropic = config.budgets().get(0);
        assertThat(anthropic.scope()).containsOnly(Map.entry("agent", "*"), Map.entry("provider", "anthropic"));
        assertThat(anthropic.metric()).isEqualTo(Metric.TOKENS);
        assertThat(anthropic.period()).isEqualTo(Period.MONTH);
        assertThat(anthropic.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(anthropic.limit()).isEqualTo(140_000);
        assertThat(anthropic.threshold(Action.PREFER_FALLBACK)).map(BudgetRuleConfig.Threshold::at).contains(0.95);
        assertThat(anthropic.fallback()).contains(new BudgetRuleConfig.FallbackTarget("openai", "gpt-4o-mini", Optional.of(1000), Optional.of(0.7)));
        assertThat(config.budgets().get(1).alerts()).containsEntry("warning", 0.5).containsEntry("emergency", 0.98);
        BudgetRuleConfig dollars = config.budgets().get(2);
        assertThat(dollars.limit()).as("micro-dollars").isEqualTo(12_500_000);
        assertThat(dollars.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(dollars.thresholds()).extracting(BudgetRuleConfig.Threshold::action).containsExactly(Action.WARN, Action.EMERGENCY);
        assertThat(config.budgetSettings().priorityAgents()).containsExactly("guardian");
        assertThat(config.budgetSettings().priorityKeys()).containsExactly("key_ops");
    }

    @Test
    void badRules_areRejected_eachProblemWithItsFieldPath() {
        List<String> problems = problems(PROVIDERS + """
                budgets:
                  - name: a
                    scope: {agent: "*", team: x}
                    metric: joules
                    period: week
                    limit: -5
                    thresholds: [{at: 1.5, action: warn}, {at: 0.9, action: explode}]
                  - name: b
                    tokens: sideways
                    limit: 10
                    time_zone: Mars/Olympus
                  - name: c
                    limit: 10
                    fallback: {provider: nowhere, model: m}
                    thresholds: [{at: 0.9, action: prefer_fallback}]
                """);

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("budgets[0].scope.team: unknown setting"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("budgets[0].metric: 'joules' (expected one of: tokens, cost_usd, requests)"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("budgets[0].period: 'week'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("budgets[0].limit: -5"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("budgets[0].thresholds[0].at: 1.5"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("budgets[0].thresholds[1].action: 'explode'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("budgets[1].tokens: 'sideways'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("budgets[1].time_zone: 'Mars/Olympus'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("budgets[2].fallback.provider: 'nowhere' is not a configured provider"));
    }

    @Test
    void duplicateNames_andOverlappingRules_areRejected() {
        List<String> problems = problems(PROVIDERS + """
                budgets:
                  - {name: a, scope: {agent: "*"}, limit: 10}
                  - {name: a, scope: {agent: imperium}, limit: 10}
                  - {name: c, scope: {agent: "*"}, limit: 99}
                  - {name: d, scope: {agent: "*"}, metric: requests, limit: 99}
                """);

        assertThat(problems).containsExactlyInAnyOrder(
                "budgets[1].name: 'a' is used by another budget (expected: unique names)",
                "budgets[2].scope: same scope, metric and period as budget 'a' (expected: one rule per scope, metric and period)");
    }

    @Test
    void aFallbackWithoutAPreferFallbackThreshold_isRejected() {
        assertThat(problems(PROVIDERS + """
                budgets:
                  - {name: a, scope: {provider: anthropic}, limit: 10, fallback: {provider: openai, model: gpt-4o-mini}}
                """)).singleElement().asString().startsWith("budgets[0].fallback: set, but no threshold has action prefer_fallback");
    }

    @Test
    void theEnvShortcuts_produceTheSameRulesAsYaml() throws IOException {
        Map<String, String> env = Map.of("ANTHROPIC_MONTHLY_LIMIT", "140000", "OPENAI_MONTHLY_LIMIT", "9000",
                "ENABLE_OPENAI_FALLBACK", "true", "OPENAI_MODEL", "gpt-4o-mini", "OPENAI_MAX_TOKENS", "100", "OPENAI_TEMPERATURE", "0.2");
        TollgateConfig fromEnv = load(env, PROVIDERS);
        TollgateConfig fromYaml = load(Map.of(), PROVIDERS + """
                budgets:
                  - name: anthropic-monthly-per-agent
                    scope: {agent: "*", provider: anthropic}
                    metric: tokens
                    period: month
                    limit: 140000
                    thresholds: [{at: 0.95, action: prefer_fallback}]
                    fallback: {provider: openai, model: gpt-4o-mini, max_tokens: 100, temperature: 0.2}
                  - name: openai-monthly-per-agent
                    scope: {agent: "*", provider: openai}
                    metric: tokens
                    period: month
                    limit: 9000
                """);

        assertThat(fromEnv.budgets()).isEqualTo(fromYaml.budgets());
    }

    @Test
    void theEnvShortcuts_withoutFallback_keepThePrimaryUntil100Percent() throws IOException {
        TollgateConfig config = load(Map.of("ANTHROPIC_MONTHLY_LIMIT", "140000", "OPENAI_FALLBACK_THRESHOLD", "0.9"), PROVIDERS);

        assertThat(config.budgets()).singleElement().satisfies(r -> {
            assertThat(r.thresholds()).isEmpty();
            assertThat(r.fallback()).isEmpty();
        });
    }

    @Test
    void theEnvShortcuts_doNotOverrideAFilesOwnBudgets() throws IOException {
        TollgateConfig config = load(Map.of("ANTHROPIC_MONTHLY_LIMIT", "140000"), PROVIDERS + """
                budgets:
                  - {name: own, limit: 5}
                """);

        assertThat(config.budgets()).extracting(BudgetRuleConfig::name).containsExactly("own");
    }

    @Test
    void zeroConfig_readsTheShortcutsToo() {
        TollgateConfig config = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-x", "OPENAI_MONTHLY_LIMIT", "9000")).load(Optional.empty());

        assertThat(config.budgets()).singleElement().satisfies(r -> assertThat(r.limit()).isEqualTo(9000));
    }

    @Test
    void aBadShortcutValue_isReportedAtItsPath() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-x", "OPENAI_MONTHLY_LIMIT", "lots")).load(Optional.empty()));

        assertThat(e.problems()).singleElement().asString().startsWith("budgets[0].limit: 'lots'");
    }

    @Test
    void theApiParser_usesTheSameRules_andReportsRelativePaths() {
        JsonMapper json = JsonMapper.builder().build();
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BudgetRuleParser.parse(
                json.readTree("{\"name\":\"x\",\"limit\":0,\"scope\":{\"agent\":\"${HOME}\"}}"), ZoneId.of("UTC")));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("limit: 0"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("scope.agent: environment variable HOME is not set"));
    }

    @Test
    void amountsDisplayAsPlainNumbers_dollarsAndCounts() {
        assertThat(Metric.COST_USD.display(100_000_000)).isEqualTo("100");
        assertThat(Metric.COST_USD.display(1_000_000_000_000_000L)).isEqualTo("1000000000");
        assertThat(Metric.COST_USD.display(1_250_000)).isEqualTo("1.25");
        assertThat(Metric.TOKENS.display(140_000)).isEqualTo("140000");
    }
}
