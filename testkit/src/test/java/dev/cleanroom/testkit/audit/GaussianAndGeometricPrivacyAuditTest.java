package dev.cleanroom.testkit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.GaussianThresholding;
import dev.cleanroom.querypolicy.noise.Rational;
import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import dev.cleanroom.querypolicy.noise.TruncatedGeometricSelection;
import dev.cleanroom.querypolicy.noise.ZeroConcentratedDp;
import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.MechanismPreference;
import dev.cleanroom.querypolicy.release.QueryPrivacyParameters;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.testkit.audit.PlainExactEngine.Contribution;
import dev.cleanroom.testkit.audit.PrivacyAudit.Finding;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The empirical privacy audit of the Gaussian release (noised count, Gaussian thresholding) and of
 * the truncated-geometric release decision, with neighbouring datasets that differ by one person,
 * and of the broken variants each must catch: halved σ, doubled ε, exact thresholding.
 *
 * <p>Claims. A ρ-zCDP part is (ε(δ'), δ')-DP for every δ' by the conversion ({@link
 * ZeroConcentratedDp#epsilon}); the events an audit of 20,000 runs can measure have probabilities
 * of a few percent, so the Gaussian parts are audited against their claim at δ' = 0.01, where a
 * halved σ (four times the ρ) shows clearly. The truncated geometric is audited against its ε at
 * the policy's δ. Sample sizes and confidence as in {@link PrivacyAuditTest}.
 */
@Tag("statistical")
class GaussianAndGeometricPrivacyAuditTest {

  private static final double DELTA = 1e-6;
  private static final double GAUSSIAN_AUDIT_DELTA = 0.01;
  private static final int MINIMUM_UNITS = 10;
  private static final PrivacyAudit AUDIT = new PrivacyAudit(40_000, DELTA, 0.999);
  private static final PrivacyAudit GAUSSIAN_AUDIT =
      new PrivacyAudit(40_000, GAUSSIAN_AUDIT_DELTA, 0.999);

  // Exact rows of the plain engine: [group, clamped sum, clamped count, distinct units].
  private static final ReleaseColumn GROUP =
      new ReleaseColumn("group", ColumnRole.GROUP_KEY, 0, -1, null, null);
  private static final ReleaseColumn COUNT =
      new ReleaseColumn("rows", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE);

  private static final PlainExactEngine ENGINE =
      new PlainExactEngine(BigDecimal.ZERO, new BigDecimal("100"), 1, 1, 20261204L);

  /** Gaussian with two parts (decision, rows), the suppressed count not asked for, at ε = 9. */
  private static final String GAUSSIAN_EPSILON = "9";

  private static Releaser releaser(String epsilon, MechanismPreference preference) {
    return Releaser.forSpec(
        new ReleaseSpec(
            List.of(GROUP, COUNT),
            3,
            new QueryPrivacyParameters(new BigDecimal(epsilon), DELTA, MINIMUM_UNITS, 1, false)
                .withMechanism(preference)));
  }

  private static Rational rhoPerPart(Releaser releaser) {
    return ((GaussianThresholding) releaser.groupSelection()).rho();
  }

  private static double gaussianClaim(Releaser releaser) {
    return ZeroConcentratedDp.epsilon(rhoPerPart(releaser), GAUSSIAN_AUDIT_DELTA);
  }

  /** The same query with four times the ρ: σ halved. */
  private static Releaser halvedSigma(Releaser honest) {
    // Two parts of four times the ρ each.
    Rational total = rhoPerPart(honest).multiply(Rational.of(8, 1));
    BigDecimal epsilon =
        BigDecimal.valueOf(ZeroConcentratedDp.epsilon(total, DELTA / 2))
            .round(new MathContext(8, RoundingMode.CEILING));
    Releaser broken = releaser(epsilon.toPlainString(), MechanismPreference.GAUSSIAN);
    double ratio = rhoPerPart(broken).doubleValue() / rhoPerPart(honest).doubleValue();
    assertEquals(4, ratio, 0.01);
    return broken;
  }

  private static List<Contribution> crowd(int units) {
    List<Contribution> rows = new ArrayList<>();
    for (int unit = 0; unit < units; unit++) {
      rows.add(new Contribution(unit, List.of("g"), BigDecimal.ONE));
    }
    return rows;
  }

  private static List<Contribution> withTarget(List<Contribution> rows) {
    List<Contribution> neighbour = new ArrayList<>(rows);
    neighbour.add(new Contribution("target", List.of("g"), BigDecimal.ONE));
    return neighbour;
  }

  private static Finding auditCount(PrivacyAudit audit, Releaser releaser, long seed) {
    List<Contribution> dataset = crowd(300);
    return audit.audit(
        PrivacyAudit.pipeline(ENGINE::run, releaser, PrivacyAudit.releasedValue(0, "g", 1)),
        dataset,
        withTarget(dataset),
        new SeededNoiseSource(seed));
  }

  private static Finding auditDecision(
      PrivacyAudit audit,
      PrivacyAudit.Mechanism<List<Contribution>> mechanism,
      int units,
      long seed) {
    return audit.audit(mechanism, crowd(units), crowd(units + 1), new SeededNoiseSource(seed));
  }

  private static PrivacyAudit.Mechanism<List<Contribution>> decision(Releaser releaser) {
    return PrivacyAudit.pipeline(ENGINE::run, releaser, PrivacyAudit.released(0, "g"));
  }

  /** A decision made on the exact distinct-unit count by any rule. */
  private static PrivacyAudit.Mechanism<List<Contribution>> onExactCount(
      java.util.function.BiPredicate<Long, dev.cleanroom.querypolicy.noise.NoiseSource> rule) {
    return (dataset, source) ->
        ENGINE.run(dataset).stream()
                .anyMatch(row -> row[0].equals("g") && rule.test((Long) row[3], source))
            ? 1
            : 0;
  }

  // --- Gaussian ---------------------------------------------------------------------------------

  @Test
  void gaussianCount_staysWithinItsZcdpClaim() {
    Releaser releaser = releaser(GAUSSIAN_EPSILON, MechanismPreference.GAUSSIAN);
    assertEquals("gaussian", releaser.accounting().mechanism());

    Finding finding = auditCount(GAUSSIAN_AUDIT, releaser, 41);

    assertTrue(finding.epsilonLowerBound() <= gaussianClaim(releaser), finding.toString());
    // Not vacuous: the audit sees a good part of the claim.
    assertTrue(finding.epsilonLowerBound() >= 0.4 * gaussianClaim(releaser), finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {42, 43, 44})
  void gaussianCountWithHalvedSigma_isDetected(long seed) {
    Releaser honest = releaser(GAUSSIAN_EPSILON, MechanismPreference.GAUSSIAN);

    Finding finding = auditCount(GAUSSIAN_AUDIT, halvedSigma(honest), seed);

    assertTrue(finding.epsilonLowerBound() > gaussianClaim(honest), finding.toString());
  }

  /** At the threshold the decision is a coin of about 1/2; further below, the tail is steep. */
  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void gaussianThresholding_belowTheThresholdStaysWithinItsClaim(int below) {
    Releaser releaser = releaser(GAUSSIAN_EPSILON, MechanismPreference.GAUSSIAN);
    int units = (int) releaser.threshold() - below;

    Finding finding = auditDecision(GAUSSIAN_AUDIT, decision(releaser), units, 45 + below);

    assertTrue(finding.epsilonLowerBound() <= gaussianClaim(releaser), finding.toString());
    assertTrue(finding.epsilonLowerBound() > 0, finding.toString());
  }

  @Test
  void gaussianThresholding_atTheExactMinimumRevealsNothing() {
    Releaser releaser = releaser(GAUSSIAN_EPSILON, MechanismPreference.GAUSSIAN);

    Finding finding = auditDecision(AUDIT, decision(releaser), MINIMUM_UNITS - 1, 46);

    assertEquals(0, finding.epsilonLowerBound(), finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {47, 48})
  void gaussianThresholdOnTheExactCount_isDetected(long seed) {
    Releaser honest = releaser(GAUSSIAN_EPSILON, MechanismPreference.GAUSSIAN);
    long threshold = honest.threshold();

    Finding finding =
        auditDecision(
            GAUSSIAN_AUDIT,
            onExactCount((count, source) -> count >= threshold),
            (int) threshold - 1,
            seed);

    assertTrue(finding.epsilonLowerBound() > gaussianClaim(honest), finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {49, 50})
  void gaussianThresholdingWithHalvedSigma_isDetected(long seed) {
    Releaser honest = releaser(GAUSSIAN_EPSILON, MechanismPreference.GAUSSIAN);
    Releaser broken = halvedSigma(honest);

    Finding finding =
        auditDecision(GAUSSIAN_AUDIT, decision(broken), (int) broken.threshold() - 2, seed);

    assertTrue(finding.epsilonLowerBound() > gaussianClaim(honest), finding.toString());
  }

  // --- Truncated geometric ----------------------------------------------------------------------

  /** One group per unit and no reach column: auto picks the truncated geometric at ε 0.9. */
  private static Releaser geometric() {
    Releaser releaser = releaser("0.9", MechanismPreference.AUTO);
    assertEquals("truncated-geometric", releaser.accounting().mechanism());
    return releaser;
  }

  @Test
  void truncatedGeometric_staysWithinItsEpsilon() {
    Releaser releaser = geometric();
    int units = (int) releaser.groupSelection().smallestCountReleasedWith(0.3);

    Finding finding = auditDecision(AUDIT, decision(releaser), units, 51);

    double claimed = releaser.epsilonShare().doubleValue();
    assertTrue(finding.epsilonLowerBound() <= claimed, finding.toString());
    assertTrue(finding.epsilonLowerBound() >= 0.5 * claimed, finding.toString());
  }

  @Test
  void truncatedGeometric_atTheExactMinimumRevealsNothing() {
    Finding finding = auditDecision(AUDIT, decision(geometric()), MINIMUM_UNITS - 1, 52);

    assertEquals(0, finding.epsilonLowerBound(), finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {53, 54, 55})
  void truncatedGeometricWithDoubledEpsilon_isDetected(long seed) {
    Releaser honest = geometric();
    Rational claimed = honest.epsilonShare();
    TruncatedGeometricSelection broken =
        TruncatedGeometricSelection.builder()
            .epsilon(claimed.add(claimed))
            .delta(DELTA)
            .minimumDistinctUnits(MINIMUM_UNITS)
            .build();
    int units = (int) broken.smallestCountReleasedWith(0.3);

    Finding finding = auditDecision(AUDIT, onExactCount(broken::select), units, seed);

    assertTrue(finding.epsilonLowerBound() > claimed.doubleValue(), finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {56, 57})
  void truncatedGeometricReplacedByAnExactThreshold_isDetected(long seed) {
    Releaser honest = geometric();
    long half = honest.threshold();

    Finding finding =
        auditDecision(AUDIT, onExactCount((count, source) -> count >= half), (int) half - 1, seed);

    assertTrue(
        finding.epsilonLowerBound() > honest.epsilonShare().doubleValue(), finding.toString());
  }
}
