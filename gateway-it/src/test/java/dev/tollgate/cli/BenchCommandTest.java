package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code tollgate bench} against a running gateway over loopback, the CLI run in-process: the counts it
 * prints are the calls the gateway recorded, errors are grouped by status, streams get a TTFT line,
 * and a bad or unreachable URL is one line. Timings are printed, never asserted.
 */
class BenchCommandTest {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-bench-test
            providers:
              - {name: limited, kind: simulated, models: [tollgate-limited], limits: {rpd: 5}, simulated: {first_token_ms: 1, inter_token_ms: 0}}
              - {name: sim, kind: simulated, models: ["gpt-*"], simulated: {first_token_ms: 10, inter_token_ms: 1}}
            """);

    record Run(int exit, String out, String err) {
    }

    private static Run bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] command = new String[args.length + 1];
        command[0] = "bench";
        System.arraycopy(args, 0, command, 1, args.length);
        int exit = new CommandLine(new TollgateCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(command);
        return new Run(exit, out.toString(), err.toString());
    }

    private static long field(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertThat(m.find()).as("%s in:%n%s", regex, output).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static List<UsageEvent> events(String model) {
        return gateway.events().stream().filter(e -> model.equals(e.model())).toList();
    }

    @Test
    @Timeout(60)
    void plainRun_printsEveryFigure_andItsCountsAreTheCallsTheGatewayRecorded() {
        Run run = bench("--url", gateway.baseUrl() + "/v1", "--key", "sk-bench-test", "--concurrency", "4", "--duration", "2",
                "--model", "gpt-4o-mini");

        assertThat(run.exit()).as(run.err()).isZero();
        long requests = field(run.out(), "requests:\\s+(\\d+) \\(");
        assertThat(field(run.out(), "\\((\\d+) ok, 0 errors\\)")).isEqualTo(requests);
        assertThat(run.out()).containsPattern("throughput:\\s+[\\d.]+ req/s")
                .containsPattern("latency ms:\\s+p50 [\\d.]+  p90 [\\d.]+  p99 [\\d.]+  max [\\d.]+")
                .contains("errors:      none").doesNotContain("ttft ms:");
        assertThat(run.err()).as("progress lines").containsPattern("\\d+ s\\s+\\d+ requests\\s+\\d+ errors");
        assertThat(requests).isPositive();
        assertThat(events("gpt-4o-mini")).as("recorded calls: the run's plus its probe").hasSize((int) requests + 1)
                .allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
        long outputTokens = field(run.out(), "tokens:\\s+\\d+ in, (\\d+) out");
        assertThat(outputTokens).isEqualTo(events("gpt-4o-mini").stream().mapToLong(e -> e.usage().outputTokens()).sum()
                - events("gpt-4o-mini").getLast().usage().outputTokens());
    }

    @Test
    @Timeout(60)
    void streamedRun_measuresTheTimeToFirstToken() {
        Run run = bench("--url", gateway.baseUrl() + "/v1/", "--key", "sk-bench-test", "--concurrency", "2", "--duration", "1",
                "--stream", "--model", "gpt-4.1-mini");

        assertThat(run.exit()).as(run.err()).isZero();
        long requests = field(run.out(), "requests:\\s+(\\d+) \\(");
        assertThat(run.out()).contains("streamed").containsPattern("ttft ms:\\s+p50 [\\d.]+  p90 [\\d.]+  p99 [\\d.]+  max [\\d.]+");
        assertThat(events("gpt-4.1-mini")).hasSize((int) requests + 1).allSatisfy(e -> assertThat(e.stream()).isTrue());
    }

    @Test
    @Timeout(60)
    void errors_areCountedByStatus() {
        Run run = bench("--url", gateway.baseUrl() + "/v1", "--key", "sk-bench-test", "--concurrency", "3", "--duration", "1",
                "--model", "tollgate-limited");

        assertThat(run.exit()).as(run.err()).isZero();
        long requests = field(run.out(), "requests:\\s+(\\d+) \\(");
        long ok = field(run.out(), "\\((\\d+) ok, ");
        assertThat(ok).as("rpd 5, one of them used by the probe").isEqualTo(4);
        assertThat(field(run.out(), "errors:\\s+429: (\\d+)")).isEqualTo(requests - 4);
        assertThat(events("tollgate-limited").stream().filter(e -> e.status() == 429)).hasSize((int) (requests - 4));
    }

    @Test
    void aBadUrl_orAnUnreachableServer_isOneClearLine() throws Exception {
        Run notHttp = bench("--url", "ftp://example.com/v1");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run unreachable = bench("--url", "http://127.0.0.1:" + closedPort + "/v1", "--duration", "1");
        Run badConcurrency = bench("--url", gateway.baseUrl() + "/v1", "--concurrency", "0");

        assertThat(notHttp.exit()).isEqualTo(2);
        assertThat(notHttp.err().strip()).isEqualTo("tollgate bench: --url 'ftp://example.com/v1' is not an http:// or https:// URL "
                + "with a host; expected e.g. http://127.0.0.1:4000/v1");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err().strip()).isEqualTo("tollgate bench: cannot reach http://127.0.0.1:" + closedPort
                + "/v1/chat/completions: connection refused or unreachable");
        assertThat(badConcurrency.exit()).isEqualTo(2);
        assertThat(badConcurrency.err().strip()).isEqualTo("tollgate bench: --concurrency: 0 (expected: 1 to 1024)");
        assertThat(notHttp.out() + unreachable.out()).isEmpty();
    }
}
