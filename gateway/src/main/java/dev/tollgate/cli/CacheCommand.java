package dev.tollgate.cli;

import dev.tollgate.policy.cache.semantic.LabelledPair;
import dev.tollgate.policy.cache.semantic.PairScore;
import dev.tollgate.policy.cache.semantic.SemanticCacheProvider;
import dev.tollgate.policy.cache.semantic.SemanticCacheProvider.PairJudge;
import dev.tollgate.policy.cache.semantic.SemanticCacheProvider.PairJudgement;
import dev.tollgate.policy.cache.semantic.SemanticIndexOptions;
import dev.tollgate.policy.cache.semantic.Strictness;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate cache eval}: how the semantic tier's hit decision does on a labelled pair file. */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "Work with the cache.",
        subcommands = CacheCommand.Eval.class)
final class CacheCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("usage: tollgate cache eval FILE.jsonl [--strictness strict|balanced|lenient]");
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Precision, recall and F1 of the semantic hit decision on a pair file "
                    + "(JSON lines {\"a\", \"b\", \"same\"}, \"src\" optional), overall and per src (or per question / statement pairs).")
    static final class Eval implements Callable<Integer> {

        @Parameters(paramLabel = "FILE.jsonl", description = "The labelled pairs.")
        Path file;

        @Option(names = "--strictness", defaultValue = "balanced", description = Strictness.CHOICES + " (default: ${DEFAULT-VALUE}).")
        String strictness;

        @Option(names = "--decision", paramLabel = "FILE", description = "A retrained decision file instead of the shipped one.")
        Path decision;

        @Override
        public Integer call() {
            Strictness level = Strictness.fromWire(strictness);
            if (level == null) {
                System.err.println("tollgate cache eval: --strictness " + strictness + " (expected: " + Strictness.CHOICES + ")");
                return Launcher.EXIT_BAD_CONFIG;
            }
            Optional<SemanticCacheProvider> provider = SemanticCacheProvider.load();
            if (provider.isEmpty()) {
                System.err.println("tollgate cache eval: the semantic cache module is not on the class path "
                        + "(bin/tollgate adds it unless TOLLGATE_SEMANTIC=off; build it with ./mvnw -pl gateway,semantic -am package)");
                return Launcher.EXIT_BAD_CONFIG;
            }
            if (!Files.isRegularFile(file) || decision != null && !Files.isRegularFile(decision)) {
                System.err.println("tollgate cache eval: no such file: " + (Files.isRegularFile(file) ? decision : file));
                return Launcher.EXIT_BAD_CONFIG;
            }
            List<LabelledPair> pairs;
            try {
                pairs = LabelledPair.read(file);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                System.err.println("tollgate cache eval: " + e.getMessage());
                return Launcher.EXIT_BAD_CONFIG;
            }
            PairJudge judge = provider.get().pairJudge(new SemanticIndexOptions(1, level, Optional.ofNullable(decision)));
            List<PairJudgement> judgements = new ArrayList<>(pairs.size());
            for (int i = 0; i < pairs.size(); i++) {
                judgements.add(judge.judge(pairs.get(i).a(), pairs.get(i).b()));
                if ((i + 1) % 500 == 0) {
                    System.err.printf("  %,d of %,d pairs%n", i + 1, pairs.size());
                }
            }
            print(System.out, provider.get().description(), level, file, pairs, judgements);
            return 0;
        }
    }

    static void print(PrintStream out, String description, Strictness level, Path file, List<LabelledPair> pairs,
                      List<PairJudgement> judgements) {
        out.printf("Semantic hit decision, strictness %s, on %s (%,d pairs)%n", level.wireName(), file, pairs.size());
        out.println("  " + description);
        Map<String, List<Integer>> parts = new TreeMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            parts.computeIfAbsent(pairs.get(i).part(), k -> new ArrayList<>()).add(i);
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            all.add(i);
        }
        line(out, "all", pairs, judgements, all);
        if (parts.size() > 1) {
            parts.forEach((part, rows) -> line(out, part, pairs, judgements, rows));
        }
    }

    private static void line(PrintStream out, String name, List<LabelledPair> pairs, List<PairJudgement> judgements, List<Integer> rows) {
        PairScore decided = PairScore.EMPTY;
        double[] cosines = new double[rows.size()];
        boolean[] same = new boolean[rows.size()];
        for (int k = 0; k < rows.size(); k++) {
            int i = rows.get(k);
            decided = decided.add(judgements.get(i).hit(), pairs.get(i).same());
            cosines[k] = judgements.get(i).similarity();
            same[k] = pairs.get(i).same();
        }
        out.printf(Locale.ROOT, "  %-10s %s%n", name, decided.summary());
        out.printf(Locale.ROOT, "  %-10s plain cosine at the same recall: %s%n", "", cosineAtRecall(cosines, same, decided.recall()));
    }

    /** What a plain cosine threshold scores at the lowest threshold that reaches {@code recall}. */
    static String cosineAtRecall(double[] cosines, boolean[] same, double recall) {
        return PairScore.atRecall(cosines, same, recall)
                .map(t -> String.format(Locale.ROOT, "cosine >= %.4f: %s", t.threshold(), t.score().summary()))
                .orElse("n/a (no pair should hit)");
    }
}
