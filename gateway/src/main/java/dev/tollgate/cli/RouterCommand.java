package dev.tollgate.cli;

import dev.tollgate.policy.routing.learned.LabelledPrompt;
import dev.tollgate.policy.routing.learned.LabelledPromptFile;
import dev.tollgate.policy.routing.learned.PromptRouter;
import dev.tollgate.policy.routing.learned.QualityPreference;
import dev.tollgate.policy.routing.learned.RouterDataException;
import dev.tollgate.policy.routing.learned.RouterEvaluation;
import dev.tollgate.policy.routing.learned.RouterModel;
import dev.tollgate.policy.routing.learned.RouterModelFile;
import dev.tollgate.policy.routing.learned.RouterTrainer;
import dev.tollgate.policy.routing.learned.RoutingCurve;
import dev.tollgate.policy.routing.learned.TrainingSettings;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.TokenCounter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/** {@code tollgate router eval|train}: measure the learned prompt router on a labelled file, or train one. */
@Command(name = "router", mixinStandardHelpOptions = true, description = "Evaluate or train the learned prompt router.",
        subcommands = {RouterCommand.Eval.class, RouterCommand.Train.class})
final class RouterCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("usage: tollgate router eval FILE.jsonl [--model FILE] | tollgate router train FILE.jsonl --out MODEL [--dev FILE]");
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Print APGR, CPT(50%) and CPT(80%) (RouteLLM's metrics), overall and per source, and the cost saved "
                    + "against always calling the strong model at an operating point.")
    static final class Eval implements Callable<Integer> {

        @Parameters(paramLabel = "FILE.jsonl", description = "Labelled prompts: {\"prompt\", \"weak_correct\", \"strong_correct\", \"source\"} a line.")
        Path file;

        @Option(names = "--model", paramLabel = "MODEL_FILE", description = "A model from `tollgate router train` (default: the bundled model).")
        Path model;

        @Option(names = "--threshold", description = "Route to the strong model when the score is at least T.")
        Double threshold;

        @Option(names = "--strong-share", paramLabel = "S", description = "Send this share (0 to 1) of the file's prompts to the strong model.")
        Double strongShare;

        @Option(names = "--quality", paramLabel = "Q", description = "cost, balanced, quality or a target PGR from 0 to 1 (default: balanced).")
        String quality;

        @Option(names = "--weak-model", defaultValue = "gpt-4o-mini", description = "Priced as the weak model (default: ${DEFAULT-VALUE}).")
        String weakModel;

        @Option(names = "--strong-model", defaultValue = "gpt-4o", description = "Priced as the strong model (default: ${DEFAULT-VALUE}).")
        String strongModel;

        @Option(names = "--output-tokens", defaultValue = "200", description = "Output tokens assumed per answer (default: ${DEFAULT-VALUE}).")
        int outputTokens;

        @Override
        public Integer call() {
            try {
                return run(System.out);
            } catch (RouterDataException | IllegalArgumentException e) {
                System.err.println("tollgate router eval: " + e.getMessage());
                return Launcher.EXIT_BAD_CONFIG;
            }
        }

        private int run(PrintStream out) {
            int chosen = (threshold != null ? 1 : 0) + (strongShare != null ? 1 : 0) + (quality != null ? 1 : 0);
            if (chosen > 1) {
                throw new IllegalArgumentException("give at most one of --threshold, --strong-share and --quality");
            }
            if (strongShare != null && !(strongShare >= 0 && strongShare <= 1)) {
                throw new IllegalArgumentException("--strong-share " + strongShare + " (expected: 0 to 1)");
            }
            if (outputTokens < 0) {
                throw new IllegalArgumentException("--output-tokens " + outputTokens + " (expected: >= 0)");
            }
            QualityPreference preference = quality == null ? QualityPreference.DEFAULT : QualityPreference.parse(quality);
            PriceTable prices = PriceTable.bundled(JsonMapper.builder().build());
            PriceTable.ModelPrice weakPrice = price(prices, weakModel, "--weak-model");
            PriceTable.ModelPrice strongPrice = price(prices, strongModel, "--strong-model");
            RouterModel router = model == null ? RouterModelFile.bundled() : RouterModelFile.read(model);
            List<LabelledPrompt> rows = LabelledPromptFile.read(file);

            double[] scores = RouterEvaluation.scores(router, rows);
            Map<String, RoutingCurve> curves = RouterEvaluation.byGroup(rows, scores);
            out.println("model: " + (model == null ? "bundled" : model) + ", trained on " + router.training().getOrDefault("trained_on", "?"));
            out.println("file:  " + file + ", " + rows.size() + " prompts");
            out.println();
            String format = "%-10s %8s %9s %11s %7s %9s %9s%n";
            out.printf(format, "SOURCE", "PROMPTS", "WEAK ACC", "STRONG ACC", "APGR", "CPT(50%)", "CPT(80%)");
            curves.forEach((group, c) -> out.printf(Locale.ROOT, format, group, c.size(), pct(c.weakAccuracy()), pct(c.strongAccuracy()),
                    num(c.apgr()), pct(c.cpt(0.5)), pct(c.cpt(0.8))));
            out.println();

            RoutingCurve all = curves.get("all");
            double t;
            String point;
            if (threshold != null) {
                t = threshold;
                point = String.format(Locale.ROOT, "--threshold %.4f", t);
            } else if (strongShare != null) {
                t = all.thresholdForShare(strongShare);
                point = String.format(Locale.ROOT, "--strong-share %.3f (threshold %s on this file)", strongShare, num(t));
            } else {
                t = router.operatingPoints().threshold(preference);
                point = String.format(Locale.ROOT, "quality %s: target PGR %.2f (on the model's calibration set it took %s strong calls), threshold %s",
                        quality == null ? "balanced (the default)" : quality, router.operatingPoints().targetPgr(preference),
                        pct(router.operatingPoints().strongShare(preference)), num(t));
            }
            printOperatingPoint(out, point, rows, scores, all, t, weakPrice, strongPrice);
            return 0;
        }

        private void printOperatingPoint(PrintStream out, String point, List<LabelledPrompt> rows, double[] scores, RoutingCurve all, double t,
                                         PriceTable.ModelPrice weakPrice, PriceTable.ModelPrice strongPrice) {
            TokenCounter tokens = new TokenCounter();
            int strongCalls = 0;
            int correct = 0;
            double routedCost = 0;
            double strongCost = 0;
            for (int i = 0; i < rows.size(); i++) {
                LabelledPrompt r = rows.get(i);
                boolean strong = scores[i] >= t;
                double costStrong = cost(strongPrice, tokens.count(strongModel, r.prompt()));
                strongCost += costStrong;
                routedCost += strong ? costStrong : cost(weakPrice, tokens.count(weakModel, r.prompt()));
                strongCalls += strong ? 1 : 0;
                correct += (strong ? r.strongCorrect() : r.weakCorrect()) ? 1 : 0;
            }
            double accuracy = (double) correct / rows.size();
            out.println("operating point: " + point);
            out.printf(Locale.ROOT, "  strong calls:  %d of %d (%s)%n", strongCalls, rows.size(), pct((double) strongCalls / rows.size()));
            out.printf(Locale.ROOT, "  accuracy:      %s (PGR %s; %s of always-strong accuracy %s)%n", pct(accuracy),
                    num(all.hasGap() ? (accuracy - all.weakAccuracy()) / (all.strongAccuracy() - all.weakAccuracy()) : Double.NaN),
                    pct(all.strongAccuracy() == 0 ? Double.NaN : accuracy / all.strongAccuracy()), pct(all.strongAccuracy()));
            out.printf(Locale.ROOT, "  cost:          $%.4f routed (%s / %s) vs $%.4f always %s: %s saved%n", routedCost, weakModel, strongModel,
                    strongCost, strongModel, pct(strongCost == 0 ? 0 : 1 - routedCost / strongCost));
            out.printf(Locale.ROOT, "                 (each prompt's input tokens counted with jtokkit, %d output tokens assumed per answer, prices from the bundled price map)%n",
                    outputTokens);
        }

        private double cost(PriceTable.ModelPrice price, int inputTokens) {
            return inputTokens * price.input() + outputTokens * price.output();
        }

        private static PriceTable.ModelPrice price(PriceTable prices, String model, String option) {
            return prices.find(null, model).orElseThrow(() -> new IllegalArgumentException(
                    option + " " + model + ": not in the bundled price map (expected a model name such as gpt-4o-mini or claude-sonnet-4-5)"));
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a router model on labelled prompts and write it to a file the gateway can load.")
    static final class Train implements Callable<Integer> {

        @Parameters(paramLabel = "FILE.jsonl", description = "Labelled prompts: {\"prompt\", \"weak_correct\", \"strong_correct\", \"source\"} a line.")
        Path file;

        @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Where to write the model.")
        Path out;

        @Option(names = "--dev", paramLabel = "FILE", description = "Labelled prompts to calibrate the operating points on and report (never trained on).")
        Path dev;

        @Option(names = "--seed", description = "Seed of every random choice (default: the bundled model's).")
        Long seed;

        @Option(names = "--threads", description = "Heads trained at once (default: up to 4, the available processors).")
        Integer threads;

        @Override
        public Integer call() {
            try {
                return run(System.out);
            } catch (RouterDataException | IllegalArgumentException e) {
                System.err.println("tollgate router train: " + e.getMessage());
                return Launcher.EXIT_BAD_CONFIG;
            }
        }

        private int run(PrintStream console) {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new IllegalArgumentException("--out " + out + ": no directory " + parent);
            }
            List<LabelledPrompt> rows = LabelledPromptFile.read(file);
            Optional<List<LabelledPrompt>> calibration = Optional.ofNullable(dev).map(LabelledPromptFile::read);
            TrainingSettings settings = TrainingSettings.DEFAULT;
            if (seed != null) {
                settings = settings.withSeed(seed);
            }
            if (threads != null) {
                if (threads < 1) {
                    throw new IllegalArgumentException("--threads " + threads + " (expected: >= 1)");
                }
                settings = settings.withThreads(threads);
            }
            console.println("training on " + rows.size() + " prompts from " + file);
            RouterTrainer.Result result = new RouterTrainer(settings, m -> console.println("  " + m))
                    .train(rows, calibration, file.getFileName().toString());
            RouterModelFile.write(result.model(), out);
            console.printf(Locale.ROOT, "cross-validated APGR on %s: %.4f%n", file.getFileName(), result.crossValidatedApgr());
            result.calibration().ifPresent(c -> console.printf(Locale.ROOT, "APGR on %s: %.4f, CPT(50%%) %.1f%%, CPT(80%%) %.1f%%%n",
                    dev.getFileName(), c.apgr(), 100 * c.cpt(0.5), 100 * c.cpt(0.8)));
            console.println("wrote " + out + " (" + size(out) + "); use it with `tollgate router eval FILE --model " + out + "`");
            return 0;
        }

        private static String size(Path file) {
            try {
                return String.format(Locale.ROOT, "%.1f MB", Files.size(file) / 1e6);
            } catch (java.io.IOException e) {
                return "size unknown";
            }
        }
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String num(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "+inf" : "-inf";
        }
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
