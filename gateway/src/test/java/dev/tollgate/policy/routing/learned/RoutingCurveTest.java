package dev.tollgate.policy.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** APGR and CPT on small sets worked out by hand, ties, and the random-router baseline. */
class RoutingCurveTest {

    private static RoutingCurve.Point p(double score, boolean weak, boolean strong) {
        return new RoutingCurve.Point(score, weak, strong);
    }

    /**
     * Four prompts: only-strong-right (score 0.9), both right (0.5), only-strong-right (0.3), both wrong (0.1).
     * Weak accuracy 1/4, strong 3/4. Correct answers with k strong calls: 1, 2, 2, 3, 3 → PGR 0, 0.5, 0.5, 1, 1.
     * APGR = trapezoids / 4 = (0.25 + 0.5 + 0.75 + 1) / 4 = 0.625. CPT(50%) = 1/4, CPT(80%) = 3/4.
     */
    @Test
    void handComputedExample() {
        RoutingCurve c = RoutingCurve.of(List.of(p(0.3, false, true), p(0.9, false, true), p(0.1, false, false), p(0.5, true, true)));
        assertThat(c.weakAccuracy()).isEqualTo(0.25);
        assertThat(c.strongAccuracy()).isEqualTo(0.75);
        assertThat(new double[] {c.pgr(0), c.pgr(1), c.pgr(2), c.pgr(3), c.pgr(4)}).containsExactly(0, 0.5, 0.5, 1, 1);
        assertThat(c.apgr()).isCloseTo(0.625, within(1e-12));
        assertThat(c.cpt(0.5)).isEqualTo(0.25);
        assertThat(c.cpt(0.8)).isEqualTo(0.75);
        assertThat(c.strongCalls(0.5)).isEqualTo(2);
        assertThat(c.strongCalls(0.95)).isZero();
    }

    /** The same set in the worst order loses: the weak-only-right prompt first drops PGR below 0. */
    @Test
    void aPromptOnlyTheWeakModelGetsRight_lowersTheCurve() {
        // weak right only (0.9), strong right only (0.1): weak 1/2, strong 1/2 → no gap, undefined.
        RoutingCurve noGap = RoutingCurve.of(List.of(p(0.9, true, false), p(0.1, false, true)));
        assertThat(noGap.hasGap()).isFalse();
        assertThat(noGap.apgr()).isNaN();
        assertThat(noGap.cpt(0.5)).isNaN();
        // weak right only (0.9), strong right only (0.5), strong right only (0.1): weak 1/3, strong 2/3.
        // Correct answers with k strong calls: 1, 0, 1, 2 → PGR 0, -1, 0, 1; APGR = (-0.5 - 0.5 + 0.5) / 3.
        RoutingCurve c = RoutingCurve.of(List.of(p(0.9, true, false), p(0.5, false, true), p(0.1, false, true)));
        assertThat(c.pgr(1)).isEqualTo(-1);
        assertThat(c.apgr()).isCloseTo(-1.0 / 6, within(1e-12));
        assertThat(c.cpt(0.8)).isEqualTo(1.0);
    }

    /** Equal scores have no order: the curve inside a tie is the expectation over their order, a straight line. */
    @Test
    void ties_areAveraged_soAConstantScoreIsExactlyHalf() {
        List<RoutingCurve.Point> points = List.of(p(0.5, false, true), p(0.5, true, true), p(0.5, false, false), p(0.5, false, true));
        RoutingCurve c = RoutingCurve.of(points);
        assertThat(c.pgr(2)).isCloseTo(0.5, within(1e-12));
        assertThat(c.apgr()).isCloseTo(0.5, within(1e-12));
        assertThat(c.cpt(0.5)).isEqualTo(0.5);
    }

    @Test
    void randomScores_giveAboutHalf_andAPerfectRouterMuchMore() {
        Random random = new Random(7);
        List<RoutingCurve.Point> randomPoints = new ArrayList<>();
        List<RoutingCurve.Point> perfect = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            boolean weak = random.nextDouble() < 0.68;
            boolean strong = random.nextDouble() < 0.81;
            randomPoints.add(p(random.nextDouble(), weak, strong));
            perfect.add(p((strong ? 1 : 0) - (weak ? 1 : 0) + random.nextDouble() * 0.1, weak, strong));
        }
        assertThat(RoutingCurve.of(randomPoints).apgr()).isCloseTo(0.5, within(0.03));
        assertThat(RoutingCurve.of(randomPoints).cpt(0.8)).isCloseTo(0.8, within(0.05));
        assertThat(RoutingCurve.of(perfect).apgr()).isGreaterThan(1.0);
    }

    @Test
    void thresholdForShare_sendsThatShareToTheStrongModel() {
        RoutingCurve c = RoutingCurve.of(List.of(p(0.3, false, true), p(0.9, false, true), p(0.1, false, false), p(0.5, true, true)));
        assertThat(c.thresholdForShare(0.5)).isEqualTo(0.5);
        assertThat(c.strongCalls(c.thresholdForShare(0.5))).isEqualTo(2);
        assertThat(c.thresholdForShare(0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(c.strongCalls(c.thresholdForShare(1))).isEqualTo(4);
    }
}
