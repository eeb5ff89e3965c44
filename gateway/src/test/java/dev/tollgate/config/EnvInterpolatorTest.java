package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EnvInterpolatorTest {

    private final EnvInterpolator env = new EnvInterpolator(Map.of(
            "HOST", "gpu-box",
            "PORT", "8000",
            "EMPTY", "",
            "LOOKS_LIKE_A_REFERENCE", "${HOST}",
            "WITH_DOLLAR", "pa$$word")::get);

    @Test
    void textWithoutDollar_isReturnedUnchanged() {
        assertThat(env.expand("http://localhost:11434/v1")).isEqualTo("http://localhost:11434/v1");
    }

    @Test
    void setVariables_areSubstitutedWherever_theyAppear() {
        assertThat(env.expand("http://${HOST}:${PORT}/v1")).isEqualTo("http://gpu-box:8000/v1");
        assertThat(env.expand("${HOST}")).isEqualTo("gpu-box");
    }

    @Test
    void defaultValue_isUsedWhenTheVariableIsUnsetOrEmpty() {
        assertThat(env.expand("${MISSING:-http://localhost:8000/v1}")).isEqualTo("http://localhost:8000/v1");
        assertThat(env.expand("${EMPTY:-fallback}")).isEqualTo("fallback");
        assertThat(env.expand("x${MISSING:-}y")).isEqualTo("xy");
    }

    @Test
    void defaultValue_isIgnoredWhenTheVariableIsSet() {
        assertThat(env.expand("${HOST:-localhost}")).isEqualTo("gpu-box");
    }

    @Test
    void doubleDollar_isALiteralDollar_andSuppressesExpansion() {
        assertThat(env.expand("pa$$word")).isEqualTo("pa$word");
        assertThat(env.expand("$${HOST}")).isEqualTo("${HOST}");
        assertThat(env.expand("$$$${HOST}")).isEqualTo("$${HOST}");
    }

    @Test
    void loneDollar_notFollowedByBraceOrDollar_isKept() {
        assertThat(env.expand("costs $5")).isEqualTo("costs $5");
        assertThat(env.expand("ends with $")).isEqualTo("ends with $");
    }

    @Test
    void substitutedValues_areNotExpandedAgain() {
        assertThat(env.expand("${LOOKS_LIKE_A_REFERENCE}")).isEqualTo("${HOST}");
        assertThat(env.expand("${WITH_DOLLAR}")).isEqualTo("pa$$word");
    }

    @Test
    void unsetVariableWithoutDefault_isReportedByName_withTheOptionalSyntax() {
        assertThatThrownBy(() -> env.expand("Bearer ${OPENAI_KEY}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("environment variable OPENAI_KEY is not set (write ${OPENAI_KEY:-} to make it optional)");
    }

    @Test
    void emptyVariableWithoutDefault_isReportedAsNotSet() {
        assertThatThrownBy(() -> env.expand("${EMPTY}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("environment variable EMPTY is not set");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "${1ABC}|1ABC",
            "${A-B}|A-B",
            "${A B}|A B",
            "${:-x}|''",
            "${}|''",
            "${HOST.NAME:-x}|HOST.NAME"})
    void invalidVariableName_isRejectedNamingIt(String value, String name) {
        assertThatThrownBy(() -> env.expand(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + name + "' is not an environment variable name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"${HOST", "http://${HOST:-x/v1", "ok ${"})
    void unclosedReference_isRejected(String value) {
        assertThatThrownBy(() -> env.expand(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unclosed '${' (expected: ${VAR} or ${VAR:-default})");
    }
}
