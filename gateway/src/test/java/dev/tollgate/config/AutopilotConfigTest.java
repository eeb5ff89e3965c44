package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autopilot:} and {@code catalog:}: defaults, every field, per-org changes, problems with their paths. */
class AutopilotConfigTest {

    private static final String OPENAI = """
            providers:
              - {name: openai, kind: openai, api_key: sk-test}
            """;

    @TempDir
    Path dir;

    private TollgateConfig load(String yaml) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(Optional.of(file));
    }

    @Test
    void withoutTheSections_theDefaults() throws IOException {
        AutopilotConfig a = load(OPENAI).autopilot();

        assertThat(a).isEqualTo(AutopilotConfig.DEFAULTS);
        assertThat(a.forOrg("anyone").models()).isEmpty();
        assertThat(a.forOrg("anyone").quality()).isEqualTo("balanced");
        assertThat(a.traits("gpt-4o")).isEqualTo(AutopilotConfig.ModelTraits.NONE);
    }

    @Test
    void everyField_andOrgsChangeOnlyWhatTheyName() throws IOException {
        AutopilotConfig a = load(OPENAI + """
                aliases:
                  fast: gpt-4o-mini
                autopilot:
                  models: [fast, gpt-4o]
                  quality: 0.8
                  orgs:
                    acme: {quality: cost}
                    beta: {models: [gpt-4o-mini]}
                catalog:
                  gpt-4o-mini: {quality: 0.65, tools: false, vision: true, json_mode: false, context_window: 64000, max_output_tokens: 2048}
                """).autopilot();

        assertThat(a.global()).isEqualTo(new AutopilotConfig.Settings(List.of("fast", "gpt-4o"), "0.8"));
        assertThat(a.forOrg("acme")).isEqualTo(new AutopilotConfig.Settings(List.of("fast", "gpt-4o"), "cost"));
        assertThat(a.forOrg("beta")).isEqualTo(new AutopilotConfig.Settings(List.of("gpt-4o-mini"), "0.8"));
        assertThat(a.forOrg("other")).isEqualTo(a.global());
        assertThat(a.routerModel()).isEmpty();
        assertThat(a.traits("gpt-4o-mini")).isEqualTo(new AutopilotConfig.ModelTraits(Optional.of(0.65), Optional.of(false), Optional.of(true),
                Optional.of(false), Optional.of(64000), Optional.of(2048)));
    }

    @Test
    void mistakes_areReportedWithTheirPaths() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(OPENAI + """
                autopilot:
                  models: [gpt-4o, claude-sonnet-4-5]
                  quality: best
                  speed: fast
                  router_model: /no/such/router.tgrm
                  orgs:
                    acme: {quality: 1.5}
                catalog:
                  gpt-4o: {quality: strong, tools: maybe, colour: blue}
                """));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("autopilot.models[1]: 'claude-sonnet-4-5' is not served"))
                .anySatisfy(p -> assertThat(p).startsWith("autopilot.quality: 'best' (expected: cost, balanced, quality"))
                .anySatisfy(p -> assertThat(p).contains("autopilot.speed"))
                .anySatisfy(p -> assertThat(p).startsWith("autopilot.router_model: '/no/such/router.tgrm' cannot be read"))
                .anySatisfy(p -> assertThat(p).startsWith("autopilot.orgs.acme.quality: '1.5'"))
                .anySatisfy(p -> assertThat(p).startsWith("catalog.gpt-4o.quality: 'strong' (expected: a number from 0 to 1"))
                .anySatisfy(p -> assertThat(p).contains("catalog.gpt-4o.tools"))
                .anySatisfy(p -> assertThat(p).contains("catalog.gpt-4o.colour"));
    }
}
