package dev.tollgate.policy.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class OperatingPointsTest {

    /** Weak 1/4, strong 3/4; PGR after k strong calls 0, 0.5, 0.5, 1, 1 (see RoutingCurveTest). */
    private final RoutingCurve curve = RoutingCurve.of(List.of(new RoutingCurve.Point(0.3, false, true), new RoutingCurve.Point(0.9, false, true),
            new RoutingCurve.Point(0.1, false, false), new RoutingCurve.Point(0.5, true, true)));
    private final OperatingPoints points = OperatingPoints.calibrate(curve);

    @Test
    void targetPgr_mapsToTheThresholdThatReachedIt() {
        assertThat(points.threshold(new QualityPreference.Target(0))).isEqualTo(Double.POSITIVE_INFINITY);
        // PGR 0.3 and 0.5 need one strong call (the 0.9 prompt); 0.6 to 1 need three (down to 0.3).
        assertThat(points.threshold(new QualityPreference.Target(0.3))).isEqualTo(0.9);
        assertThat(points.threshold(new QualityPreference.Target(0.5))).isEqualTo(0.9);
        assertThat(points.threshold(new QualityPreference.Target(0.6))).isEqualTo(0.3);
        assertThat(points.strongShare(new QualityPreference.Target(1))).isEqualTo(0.75);
        assertThat(points.decide(0.95, new QualityPreference.Target(0.5)).tier()).isEqualTo(QualityTier.STRONG);
        assertThat(points.decide(0.5, new QualityPreference.Target(0.5)).tier()).isEqualTo(QualityTier.WEAK);
    }

    /** Named levels keep 90 / 95 / 99% of always-strong accuracy: PGR (r · 0.75 - 0.25) / 0.5. */
    @Test
    void namedLevels_followFromTheQualityTheyKeep() {
        assertThat(points.targetPgr(QualityPreference.Level.COST)).isCloseTo((0.90 * 0.75 - 0.25) / 0.5, within(1e-12));
        assertThat(points.targetPgr(QualityPreference.Level.BALANCED)).isCloseTo((0.95 * 0.75 - 0.25) / 0.5, within(1e-12));
        assertThat(points.targetPgr(QualityPreference.Level.QUALITY)).isCloseTo((0.99 * 0.75 - 0.25) / 0.5, within(1e-12));
        RouteChoice choice = points.decide(0.4, QualityPreference.Level.BALANCED);
        assertThat(choice.tier()).isEqualTo(QualityTier.STRONG);
        assertThat(choice.reason()).isEqualTo("router 0.400 >= 0.300 (pgr 0.92): strong");
    }

    @Test
    void preferences_parseNamesAndNumbers_andRefuseOthersInWords() {
        assertThat(QualityPreference.parse("Balanced")).isEqualTo(QualityPreference.Level.BALANCED);
        assertThat(QualityPreference.parse("0.4")).isEqualTo(new QualityPreference.Target(0.4));
        assertThatThrownBy(() -> QualityPreference.parse("1.5")).hasMessageContaining("quality_preference: 1.5 (expected: a number from 0 to 1");
        assertThatThrownBy(() -> QualityPreference.parse("max")).hasMessageContaining("expected: cost, balanced, quality, or a number from 0 to 1");
    }
}
