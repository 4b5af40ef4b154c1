package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.noise.GaussianThresholding;
import dev.cleanroom.querypolicy.noise.PartitionSelection;
import dev.cleanroom.querypolicy.noise.Rational;
import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import dev.cleanroom.querypolicy.noise.ZeroConcentratedDp;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The choice of mechanism and the Gaussian and truncated-geometric release paths. */
class ReleaserMechanismTest {

  // Exact row layout: [campaign, sum_cost, count_rows, distinct_units]
  private static final ReleaseColumn CAMPAIGN =
      new ReleaseColumn("campaign_id", ColumnRole.GROUP_KEY, 0, -1, null, null);
  private static final ReleaseColumn COST =
      new ReleaseColumn("cost", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, new BigDecimal("100"));
  private static final ReleaseColumn ROWS =
      new ReleaseColumn("rows", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE);
  private static final ReleaseColumn REACH =
      new ReleaseColumn("reach", ColumnRole.DISTINCT_UNITS, 3, -1, BigDecimal.ZERO, BigDecimal.ONE);

  private static ReleaseSpec spec(
      List<ReleaseColumn> columns, int groups, boolean remainder, MechanismPreference preference) {
    return new ReleaseSpec(
        columns,
        3,
        new QueryPrivacyParameters(new BigDecimal("0.5"), 1e-6, 50, groups, remainder)
            .withMechanism(preference));
  }

  private static List<Object[]> rows() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"c1", new BigDecimal("50000"), 1000L, 1000L});
    rows.add(new Object[] {"c2", new BigDecimal("100"), 49L, 49L});
    return rows;
  }

  @Test
  void gaussian_noisesEveryColumnAndReportsRhoAndTheDeltaSplit() {
    ReleaseSpec spec =
        spec(List.of(CAMPAIGN, REACH, ROWS, COST), 4, false, MechanismPreference.GAUSSIAN);
    Releaser releaser = Releaser.forSpec(spec);

    ReleaseAccounting accounting = releaser.accounting();
    assertEquals("gaussian", accounting.mechanism());
    Rational rho = ZeroConcentratedDp.largestRho(Rational.of(1, 2), 5e-7);
    assertEquals(0, ZeroConcentratedDp.decimal(rho).compareTo(accounting.rho()));
    assertTrue(accounting.convertedEpsilon().compareTo(new BigDecimal("0.5")) <= 0);
    assertTrue(accounting.convertedEpsilon().compareTo(new BigDecimal("0.499")) > 0);
    assertEquals(5e-7, accounting.conversionDelta());
    assertEquals(5e-7, accounting.selectionDelta());
    // Three parts (release decision, rows, cost) of ρ each: σ² = m / (2ρ/3).
    GaussianThresholding selection =
        assertInstanceOf(GaussianThresholding.class, releaser.groupSelection());
    assertEquals(
        Rational.of(4, 1).divide(Rational.of(2, 1).multiply(rho.divide(Rational.of(3, 1)))),
        selection.noise().sigmaSquared());
    assertEquals(
        List.of("discrete-gaussian", "discrete-gaussian", "discrete-gaussian"),
        releaser.noiseReport().stream().map(ColumnNoise::mechanism).toList());

    ReleasedResult result = releaser.release(rows(), new SeededNoiseSource(5));
    assertEquals(1, result.rows().size());
    Object[] row = result.rows().get(0);
    assertEquals("c1", row[0]);
    long reach = (Long) row[1];
    assertEquals(1000, reach, 4 * releaser.noiseReport().get(0).ci95HalfWidth().doubleValue());
    assertEquals("gaussian", result.accounting().mechanism());
  }

  @Test
  void gaussian_withARemainderRow_isRefusedWithAReason() {
    ReleaseSpec spec = spec(List.of(CAMPAIGN, ROWS), 4, true, MechanismPreference.GAUSSIAN);
    PolicyException error = assertThrows(PolicyException.class, () -> Releaser.forSpec(spec));
    assertEquals(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, error.code());
    assertTrue(error.getMessage().contains("remainder row"), error.getMessage());
  }

  @Test
  void auto_withARemainderRow_staysLaplace() {
    Releaser releaser =
        Releaser.forSpec(spec(List.of(CAMPAIGN, ROWS), 4, true, MechanismPreference.AUTO));
    assertEquals("laplace", releaser.accounting().mechanism());
    assertTrue(releaser.remainderThreshold().isPresent());
  }

  @Test
  void auto_withSeveralGroupsPerUnit_choosesGaussian() {
    Releaser releaser =
        Releaser.forSpec(
            spec(List.of(CAMPAIGN, REACH, ROWS, COST), 4, false, MechanismPreference.AUTO));
    assertEquals("gaussian", releaser.accounting().mechanism());
  }

  @Test
  void auto_withOneGroupPerUnitAndReach_staysLaplace() {
    Releaser releaser =
        Releaser.forSpec(
            spec(List.of(CAMPAIGN, REACH, ROWS, COST), 1, false, MechanismPreference.AUTO));
    assertEquals("laplace", releaser.accounting().mechanism());
    assertInstanceOf(PartitionSelection.class, releaser.groupSelection());
    assertNull(releaser.accounting().rho());
  }

  @Test
  void laplacePreference_staysLaplaceWhereAutoWouldNot() {
    Releaser releaser =
        Releaser.forSpec(
            spec(List.of(CAMPAIGN, REACH, ROWS, COST), 4, false, MechanismPreference.LAPLACE));
    assertEquals("laplace", releaser.accounting().mechanism());
    assertEquals("discrete-laplace", releaser.noiseReport().get(0).mechanism());
  }

  @Test
  void auto_withOneGroupPerUnitAndNoReach_choosesTheTruncatedGeometric() {
    ReleaseSpec spec = spec(List.of(CAMPAIGN, COST), 1, false, MechanismPreference.AUTO);
    Releaser releaser = Releaser.forSpec(spec);
    assertEquals("truncated-geometric", releaser.accounting().mechanism());
    // The same shares as Laplace: selection, cost.
    assertEquals(Rational.of(1, 4), releaser.epsilonShare());

    SeededNoiseSource source = new SeededNoiseSource(6);
    for (int i = 0; i < 50; i++) {
      ReleasedResult result = releaser.release(rows(), source);
      assertEquals(1, result.rows().size());
      assertEquals("c1", result.rows().get(0)[0]);
    }
  }

  @Test
  void truncatedGeometricWithReach_hasReachItsOwnCountAndShare() {
    ReleaseSpec spec = spec(List.of(CAMPAIGN, REACH), 1, false, MechanismPreference.AUTO);
    AlternativeMechanisms.Mechanisms mechanisms = AlternativeMechanisms.truncatedGeometric(spec, 2);
    // Selection, suppressed count and reach's own count: three shares.
    assertEquals(Rational.of(1, 6), mechanisms.epsilonShare());
    assertEquals("discrete-laplace", mechanisms.noiseReport().get(0).mechanism());
    long reach = mechanisms.selection().select(1000, new SeededNoiseSource(7)).orElseThrow();
    assertEquals(1000, reach, 60);
  }

  @Test
  void mechanismNames_parseAndRefuseUnknownOnes() {
    assertEquals(MechanismPreference.GAUSSIAN, MechanismPreference.fromWireName("gaussian"));
    PolicyException error =
        assertThrows(PolicyException.class, () -> MechanismPreference.fromWireName("cauchy"));
    assertTrue(error.getMessage().contains("[auto, laplace, gaussian]"), error.getMessage());
  }
}
