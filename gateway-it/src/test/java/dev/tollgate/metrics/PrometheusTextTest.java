package dev.tollgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.PrometheusText;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The strict parser the metrics tests read scrapes with: it takes the format and refuses what breaks it. */
class PrometheusTextTest {

    private static final String GOOD = """
            # HELP calls_total Calls, with "quotes" and a \\\\ backslash
            # TYPE calls_total counter
            calls_total{route="POST /v1/chat",status="200"} 3.0
            calls_total{route="a\\"b\\\\c\\nd",status="500"} 1
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="0.1"} 1
            latency_seconds_bucket{le="1.0"} 2
            latency_seconds_bucket{le="+Inf"} 2
            latency_seconds_count 2
            latency_seconds_sum 0.55
            # TYPE depth gauge
            depth NaN
            """;

    @Test
    void theFormat_isRead_withEscapesSumsAndHistograms() {
        PrometheusText t = PrometheusText.parse(GOOD);
        assertThat(t.sum("calls_total")).isEqualTo(4);
        assertThat(t.samples("calls_total", Map.of("status", "500")).getFirst().label("route")).isEqualTo("a\"b\\c\nd");
        assertThat(t.families().get("latency_seconds").type()).isEqualTo("histogram");
        assertThat(t.sum("latency_seconds_count")).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "bad-name 1\n",
        "x{9a=\"1\"} 1\n",
        "x{a=1} 1\n",
        "x{a=\"1\\t\"} 1\n",
        "x 1 2 3\n",
        "x one\n",
        "x{a=\"1\"} 1",
        "# TYPE x counter\n# TYPE x counter\nx 1\n",
        "x 1\n# TYPE x counter\n",
        "# TYPE x counter\nx 1\ny 1\nx{a=\"b\"} 2\n",
        "# TYPE x counter\nx -1\n",
        "x 1\nx 2\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n",
        "# TYPE h histogram\nh_bucket 1\n",
    })
    void whatBreaksTheFormat_isRefused(String text) {
        assertThatThrownBy(() -> PrometheusText.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
