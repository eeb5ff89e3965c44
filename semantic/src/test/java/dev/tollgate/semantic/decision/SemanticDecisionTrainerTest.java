package dev.tollgate.semantic.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.cache.semantic.Strictness;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The trainer's own mechanics on synthetic examples: thresholds meet their targets, folds keep shared texts together. */
class SemanticDecisionTrainerTest {

    @Test
    void threshold_isTheLowestCutThatKeepsThePrecisionTarget() {
        // 100 scores from 1.00 down to 0.01: the top 60 are right except ranks 30 and 50; everything below is wrong.
        double[] scores = new double[100];
        boolean[] labels = new boolean[100];
        for (int i = 0; i < 100; i++) {
            scores[i] = (100 - i) / 100.0;
            labels[i] = i < 60 && i != 30 && i != 50;
        }
        // 58 right of 60 hits = 0.967; of 61 hits 0.951: the 0.95 target reaches rank 61, the 0.965 target rank 60.
        assertThat(SemanticDecisionTrainer.threshold(scores, labels, 0.95)).isEqualTo(scores[60]);
        assertThat(SemanticDecisionTrainer.threshold(scores, labels, 0.965)).isEqualTo(scores[59]);
        assertThat(SemanticDecisionTrainer.threshold(scores, labels, 1.0)).isEqualTo(scores[29]);
        assertThat(SemanticDecisionTrainer.score(scores, labels, scores[59]).falsePositives()).isEqualTo(2);
    }

    @Test
    void folds_keepPairsThatShareATextTogether() {
        List<SemanticDecisionTrainer.Example> examples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            examples.add(example("q" + i, "q" + (i + 1) + (i % 3 == 0 ? "" : " x"), i % 2 == 0));
        }
        int[] fold = SemanticDecisionTrainer.folds(examples);
        for (int i = 0; i + 1 < examples.size(); i++) {
            if (examples.get(i).b().equals(examples.get(i + 1).a())) {
                assertThat(fold[i]).isEqualTo(fold[i + 1]);
            }
        }
    }

    @Test
    void train_separatesSeparableExamples_andOrdersTheThresholds() {
        Random random = new Random(7);
        List<SemanticDecisionTrainer.Example> examples = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            boolean same = random.nextBoolean();
            double cosine = same ? 0.75 + 0.25 * random.nextDouble() : 0.55 + 0.3 * random.nextDouble();
            TextProfile a = TextProfile.of("question number " + i);
            double[] features = PairFeatures.of(a, a, cosine);
            examples.add(new SemanticDecisionTrainer.Example(features, same, Optional.empty(), cosine, "synthetic", "a" + i, "b" + i));
        }
        SemanticDecisionTrainer.Result result = new SemanticDecisionTrainer(null).train(examples);
        HitDecision decision = result.decision();
        assertThat(decision.threshold(Strictness.STRICT)).isGreaterThanOrEqualTo(decision.threshold(Strictness.BALANCED));
        assertThat(decision.threshold(Strictness.BALANCED)).isGreaterThanOrEqualTo(decision.threshold(Strictness.LENIENT));
        assertThat(result.crossValidated().get(Strictness.BALANCED).precision()).isGreaterThanOrEqualTo(0.97);
        assertThat(result.crossValidated().get(Strictness.LENIENT).recall()).isGreaterThan(0.5);
    }

    private static SemanticDecisionTrainer.Example example(String a, String b, boolean same) {
        return new SemanticDecisionTrainer.Example(new double[PairFeatures.NAMES.size()], same, Optional.empty(), 0, "t", a, b);
    }
}
