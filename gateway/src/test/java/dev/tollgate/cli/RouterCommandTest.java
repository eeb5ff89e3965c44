package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tollgate router eval|train} in-process: output on good input, one clear line and exit 2 on bad input. */
class RouterCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new TollgateCli()).execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Path labelled() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            boolean hard = i % 2 == 0;
            text.append(String.format("{\"prompt\": \"%s %d\", \"weak_correct\": %b, \"strong_correct\": true, \"source\": \"%s\"}%n",
                    hard ? "Integrate x to the power" : "Capital city of country", i, !hard, hard ? "math/calculus" : "geo/capitals"));
        }
        return Files.writeString(dir.resolve("l.jsonl"), text);
    }

    @Test
    void eval_printsTheMetricsPerSource_andTheOperatingPointsCost() throws Exception {
        Run r = run("router", "eval", labelled().toString(), "--strong-share", "0.5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("SOURCE", "APGR", "CPT(50%)", "CPT(80%)", "all", "math", "geo")
                .contains("vs $").contains("always gpt-4o").contains("saved");
        // Prompts that tie at the threshold all go strong, so the share is at least the one asked for.
        var calls = java.util.regex.Pattern.compile("strong calls: +(\\d+) of 40").matcher(r.out());
        assertThat(calls.find()).isTrue();
        assertThat(Integer.parseInt(calls.group(1))).isBetween(20, 40);
    }

    @Test
    void train_writesAModelThatEvalReads() throws Exception {
        Path model = dir.resolve("m.tgrm");
        Run train = run("router", "train", labelled().toString(), "--out", model.toString(), "--dev", labelled().toString(), "--threads", "1");
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.out()).contains("cross-validated APGR on l.jsonl").contains("APGR on l.jsonl").contains("wrote " + model);
        Run eval = run("router", "eval", labelled().toString(), "--model", model.toString(), "--quality", "quality");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("model: " + model + ", trained on l.jsonl (40 prompts)").contains("quality quality: target PGR");
    }

    @Test
    void badInput_givesOneLineAndExitCode2() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"prompt\": \"a\", \"weak_correct\": true}\n");
        Run missingField = run("router", "eval", bad.toString());
        assertThat(missingField.code()).isEqualTo(2);
        assertThat(missingField.err().strip()).isEqualTo("tollgate router eval: " + bad + ":1: strong_correct: missing (expected: true or false)");

        Run missingFile = run("router", "eval", dir.resolve("none.jsonl").toString());
        assertThat(missingFile.code()).isEqualTo(2);
        assertThat(missingFile.err().strip()).isEqualTo("tollgate router eval: " + dir.resolve("none.jsonl") + ": no such file");

        Path notJson = Files.writeString(dir.resolve("x.jsonl"), "prompt,weak,strong\n");
        Run malformed = run("router", "eval", notJson.toString());
        assertThat(malformed.code()).isEqualTo(2);
        assertThat(malformed.err()).startsWith("tollgate router eval: " + notJson + ":1: not valid JSON").doesNotContain("Exception").doesNotContain("\tat ");

        Run badModel = run("router", "eval", labelled().toString(), "--model", notJson.toString());
        assertThat(badModel.code()).isEqualTo(2);
        assertThat(badModel.err()).contains("not a Tollgate router model");

        Run both = run("router", "eval", labelled().toString(), "--threshold", "0.5", "--quality", "cost");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("at most one of --threshold, --strong-share and --quality");

        Run unknownModel = run("router", "eval", labelled().toString(), "--strong-model", "no-such-model");
        assertThat(unknownModel.code()).isEqualTo(2);
        assertThat(unknownModel.err()).contains("--strong-model no-such-model: not in the bundled price map");

        Run noOut = run("router", "train", labelled().toString(), "--out", dir.resolve("missing/dir/m.tgrm").toString());
        assertThat(noOut.code()).isEqualTo(2);
        assertThat(noOut.err()).contains("no directory");
    }
}
