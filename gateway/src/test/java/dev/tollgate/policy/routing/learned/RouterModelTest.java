package dev.tollgate.policy.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on a small seeded synthetic set with a planted signal, the model file round trip, and the
 * file's checks. The planted rule: prompts about "integrals" need the strong model (weak wrong, strong
 * right), prompts about "capitals" are answered by both.
 */
class RouterModelTest {

    private static final TrainingSettings SMALL = new TrainingSettings(new HashedNgramFeaturizer.Spec(12, 2, 3, 4, 2000), 1e-3, 60, 3, 0.2, 5,
            new BoostedTreesTrainer.Settings(100, 0.1, 2, 16, 5, 1.0, 1.0, 20, 1L), 1L, 2);

    static List<LabelledPrompt> synthetic(int n, long seed) {
        Random random = new Random(seed);
        String[] filler = {"please", "explain", "quickly", "the", "answer", "now", "short", "detail"};
        List<LabelledPrompt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean hard = random.nextBoolean();
            StringBuilder text = new StringBuilder(hard ? "Compute the integrals of x^" + random.nextInt(9) : "Name the capitals of country " + random.nextInt(50));
            for (int w = 0; w < 4; w++) {
                text.append(' ').append(filler[random.nextInt(filler.length)]);
            }
            // 90% of the rows follow the rule, the rest is noise.
            boolean follows = random.nextDouble() < 0.9;
            boolean weak = follows ? !hard : random.nextBoolean();
            boolean strong = follows || random.nextBoolean();
            out.add(new LabelledPrompt(text.toString(), weak, strong, hard ? "math/calculus" : "geo/capitals"));
        }
        return out;
    }

    static RouterTrainer.Result trained;

    @BeforeAll
    static void train() {
        trained = new RouterTrainer(SMALL, m -> { }).train(synthetic(400, 1), Optional.of(synthetic(200, 2)), "synthetic");
    }

    @Test
    void training_learnsThePlantedSignal() {
        RouterModel model = trained.model();
        assertThat(model.score("Compute the integrals of x^3 please now")).isGreaterThan(model.score("Name the capitals of country 7 please now"));
        assertThat(trained.calibration()).isPresent();
        // The rule itself as a router (hard = 1, easy = 0) is the best a model can do on this data.
        List<LabelledPrompt> calibration = synthetic(200, 2);
        double[] rule = calibration.stream().mapToDouble(p -> p.prompt().contains("integrals") ? 1 : 0).toArray();
        double best = RouterEvaluation.curve(calibration, rule).apgr();
        assertThat(trained.calibration().get().apgr()).isGreaterThan(0.95 * best);
        assertThat(trained.crossValidatedApgr()).isGreaterThan(0.6);
        assertThat(model.training()).containsKeys("trained_on", "cross_validated_apgr", "dev_apgr", "calibrated_on");
    }

    @Test
    void scores_areInZeroToOne() {
        for (LabelledPrompt p : synthetic(50, 3)) {
            assertThat(trained.model().score(p.prompt())).isBetween(0.0, 1.0);
        }
        assertThat(trained.model().score("")).isBetween(0.0, 1.0);
    }

    @Test
    void modelFile_roundTrip_scoresIdentically(@TempDir Path dir) {
        Path file = dir.resolve("m.tgrm");
        RouterModelFile.write(trained.model(), file);
        RouterModel read = RouterModelFile.read(file);
        for (LabelledPrompt p : synthetic(100, 4)) {
            assertThat(read.score(p.prompt())).isEqualTo(trained.model().score(p.prompt()));
        }
        assertThat(read.operatingPoints()).isEqualTo(trained.model().operatingPoints());
        assertThat(read.training()).isEqualTo(trained.model().training());
        assertThat(read.featurizer().id()).isEqualTo(trained.model().featurizer().id());
    }

    @Test
    void aFileThatIsNotAModel_orIsCut_saysSo(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> RouterModelFile.read(text)).isInstanceOf(RouterDataException.class).hasMessageContaining("not gzip data");
        assertThatThrownBy(() -> RouterModelFile.read(dir.resolve("missing.tgrm"))).hasMessageEndingWith("missing.tgrm: no such file");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RouterModelFile.write(trained.model(), bytes);
        byte[] whole = bytes.toByteArray();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> RouterModelFile.read(new ByteArrayInputStream(cut), "cut.tgrm"))
                .isInstanceOf(RouterDataException.class).hasMessageStartingWith("cut.tgrm: ");

        ByteArrayOutputStream other = new ByteArrayOutputStream();
        try (var zip = new java.util.zip.GZIPOutputStream(other)) {
            zip.write("NOPE".getBytes());
        }
        assertThatThrownBy(() -> RouterModelFile.read(new ByteArrayInputStream(other.toByteArray()), "x"))
                .hasMessage("x: not a Tollgate router model (no TGRM mark)");
    }

    @Test
    void bundledModel_loads_andPrefersTheStrongModelForHardMath() {
        RouterModel bundled = RouterModelFile.bundled();
        assertThat(bundled.training().get("trained_on")).contains("train.jsonl");
        double hard = bundled.score("For which of these two scenarios does the main character do something clearly morally wrong? "
                + "Scenario 1 | I took his wallet. Scenario 2 | I gave him a ride.\nA. Wrong, Wrong\nB. Wrong, Not wrong\nC. Not wrong, Wrong\nD. Not wrong, Not wrong\nAnswer:");
        double easy = bundled.score("Which of the following is a primary color?\nA. Red\nB. Brown\nC. Pink\nD. Grey\nAnswer:");
        assertThat(hard).isGreaterThan(easy);
    }
}
