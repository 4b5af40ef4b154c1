package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.noise.Rational;
import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaserTest {

  // Exact row layout: [campaign, sum_cost, count_rows, distinct_units]
  private static final ReleaseColumn CAMPAIGN =
      new ReleaseColumn("campaign_id", ColumnRole.GROUP_KEY, 0, -1, null, null);
  private static final ReleaseColumn COST =
      new ReleaseColumn("cost", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, new BigDecimal("100"));
  private static final ReleaseColumn ROWS =
      new ReleaseColumn("rows", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE);
  private static final ReleaseColumn REACH =
      new ReleaseColumn("reach", ColumnRole.DISTINCT_UNITS, 3, -1, BigDecimal.ZERO, BigDecimal.ONE);
  private static final ReleaseColumn AVG_COST =
      new ReleaseColumn(
          "avg_cost", ColumnRole.AVG, 1, 2, BigDecimal.ZERO, new BigDecimal("100"), BigDecimal.ONE);

  private static QueryPrivacyParameters parameters(String epsilon, boolean remainder) {
    return new QueryPrivacyParameters(new BigDecimal(epsilon), 1e-6, 50, 1, remainder);
  }

  private static List<Object[]> rows(Object[]... rows) {
    return new ArrayList<>(List.of(rows));
  }

  @Test
  void largeGroups_releasedInSpecOrderWithKeysAsIs() {
    ReleaseSpec spec = new ReleaseSpec(List.of(REACH, CAMPAIGN, COST), 3, parameters("3", false));
    ReleasedResult result =
        Releaser.release(
            spec,
            rows(
                new Object[] {"c1", new BigDecimal("50000.5"), 1000L, 1000L},
                new Object[] {"c2", 20000.25, 400L, 400L}),
            new SeededNoiseSource(1));

    assertEquals(2, result.rows().size());
    Object[] first = result.rows().get(0);
    assertEquals("c1", first[1]);
    long reach = (Long) first[0];
    assertTrue(Math.abs(reach - 1000) < 40, "reach " + reach);
    BigDecimal cost = (BigDecimal) first[2];
    assertTrue(cost.subtract(new BigDecimal("50000.5")).abs().doubleValue() < 5000, "cost " + cost);
    assertEquals("c2", result.rows().get(1)[1]);
    assertEquals(new BigDecimal("3"), result.epsilonSpent());
  }

  @Test
  void groupBelowMinimumDistinctUnits_isSuppressedEvenWithHugeEpsilon() {
    ReleaseSpec spec =
        new ReleaseSpec(
                List.of(CAMPAIGN, ROWS),
                3,
                new QueryPrivacyParameters(new BigDecimal("1000"), 1e-6, 50, 1, false))
            .withOptions(new ReleaseOptions(true, false));
    ReleasedResult result =
        Releaser.release(
            spec,
            rows(new Object[] {"small", 0.0, 49L, 49L}, new Object[] {"large", 0.0, 5000L, 5000L}),
            new SeededNoiseSource(2));

    assertEquals(1, result.rows().size());
    assertEquals("large", result.rows().get(0)[0]);
    // ε share = 1000 / 3: the noisy group count is exact with overwhelming probability.
    assertEquals(1, result.suppressedGroups().getAsLong());
  }

  @Test
  void groupJustAboveMinimum_suppressedByTheNoisyThreshold() {
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, ROWS), 3, parameters("1", false));
    Releaser releaser = Releaser.forSpec(spec);
    assertTrue(releaser.threshold() > 50 + 20, "threshold " + releaser.threshold());

    int released = 0;
    SeededNoiseSource source = new SeededNoiseSource(3);
    for (int i = 0; i < 200; i++) {
      released += releaser.release(rows(new Object[] {"g", 0.0, 50L, 50L}), source).rows().size();
    }
    assertEquals(0, released);
  }

  @Test
  void suppressedGroupCount_notAskedFor_costsNothingAndIsAbsent() {
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, REACH), 3, parameters("1", false));
    Releaser releaser = Releaser.forSpec(spec);
    // Only the release decision, whose noisy count is the reach: all of epsilon.
    assertEquals(Rational.ONE, releaser.epsilonShare());
    assertEquals(
        List.of("group release and distinct people"),
        releaser.spent().stream().map(Spending::purpose).toList());
    ReleasedResult result =
        releaser.release(rows(new Object[] {"c1", 0.0, 10L, 10L}), new SeededNoiseSource(21));
    assertTrue(result.suppressedGroups().isEmpty());

    Releaser asked = Releaser.forSpec(spec.withOptions(new ReleaseOptions(true, false)));
    assertEquals(Rational.of(1, 2), asked.epsilonShare());
    assertEquals(
        List.of("group release and distinct people", "suppressed-group count"),
        asked.spent().stream().map(Spending::purpose).toList());
    assertTrue(
        asked
            .release(rows(new Object[] {"c1", 0.0, 10L, 10L}), new SeededNoiseSource(21))
            .suppressedGroups()
            .isPresent());
  }

  @Test
  void spent_listsEveryShareWithItsDelta() {
    ReleaseSpec spec =
        new ReleaseSpec(List.of(CAMPAIGN, REACH, ROWS, AVG_COST), 3, parameters("5", true))
            .withOptions(new ReleaseOptions(true, false));
    List<Spending> spent = Releaser.forSpec(spec).spent();
    assertEquals(
        List.of(
            "group release and distinct people",
            "column rows",
            "column avg_cost (its sum and its count)",
            "remainder row release",
            "suppressed-group count"),
        spent.stream().map(Spending::purpose).toList());
    // 1 + 1 + 2 + 1 + 1 = 6 shares of 5; δ halved between the two release decisions.
    BigDecimal total =
        spent.stream().map(Spending::epsilon).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertTrue(total.subtract(new BigDecimal("5")).abs().doubleValue() < 1e-12, "total " + total);
    assertEquals(5e-7, spent.get(0).delta());
    assertEquals(5e-7, spent.get(3).delta());
    assertEquals(0.0, spent.get(1).delta());
  }

  @Test
  void epsilon_splitEquallyAcrossSelectionAndColumns() {
    ReleaseSpec spec =
        new ReleaseSpec(List.of(CAMPAIGN, REACH, ROWS, COST, AVG_COST), 3, parameters("5", false));
    Releaser releaser = Releaser.forSpec(spec);

    // selection + COUNT + SUM + 2 for AVG = 5 shares of 5.
    assertEquals(Rational.ONE, releaser.epsilonShare());
    List<ColumnNoise> report = releaser.noiseReport();
    assertEquals(
        List.of("reach", "rows", "cost", "avg_cost"),
        report.stream().map(ColumnNoise::column).toList());
    assertEquals(0, BigDecimal.ONE.compareTo(report.get(1).epsilon()));
    assertEquals(0, BigDecimal.ONE.compareTo(report.get(1).scale()));
    assertEquals(0, new BigDecimal("2").compareTo(report.get(3).epsilon()));
    assertEquals("discrete-laplace-ratio", report.get(3).mechanism());
    // SUM: Δ = 100, ε = 1, granularity 2^-4 (100 / 1024 = 0.098 -> 0.0625).
    assertEquals(0, new BigDecimal("0.0625").compareTo(report.get(2).granularity()));
    assertEquals(0, new BigDecimal("100").compareTo(report.get(2).scale()));
  }

  @Test
  void countsAndNonNegativeSums_neverNegative() {
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, ROWS, COST), 3, parameters("0.3", false));
    Releaser releaser = Releaser.forSpec(spec);
    SeededNoiseSource source = new SeededNoiseSource(4);
    for (int i = 0; i < 300; i++) {
      ReleasedResult result = releaser.release(rows(new Object[] {"g", 0L, 0L, 5000L}), source);
      for (Object[] row : result.rows()) {
        assertTrue((Long) row[1] >= 0);
        assertTrue(((BigDecimal) row[2]).signum() >= 0);
      }
    }
  }

  @Test
  void average_isClampedIntoTheBounds() {
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, AVG_COST), 3, parameters("0.1", false));
    Releaser releaser = Releaser.forSpec(spec);
    SeededNoiseSource source = new SeededNoiseSource(5);
    for (int i = 0; i < 300; i++) {
      // Few rows and large noise: the raw ratio is often far outside [0, 100].
      ReleasedResult result =
          releaser.release(rows(new Object[] {"g", 5000.0, 100L, 100_000L}), source);
      BigDecimal average = (BigDecimal) result.rows().get(0)[1];
      assertTrue(
          average.signum() >= 0 && average.compareTo(new BigDecimal("100")) <= 0, "avg " + average);
    }
  }

  @Test
  void remainder_sumsSuppressedGroupsWithNullKeysWhenLargeEnough() {
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, REACH, ROWS), 3, parameters("30", true));
    List<Object[]> exact = new ArrayList<>();
    exact.add(new Object[] {"big", 0.0, 10_000L, 10_000L});
    for (int i = 0; i < 100; i++) {
      exact.add(new Object[] {"small-" + i, 0.0, 10L, 10L});
    }
    ReleasedResult result = Releaser.release(spec, exact, new SeededNoiseSource(6));

    assertEquals(1, result.rows().size());
    Object[] remainder = result.remainderRow().orElseThrow();
    assertNull(remainder[0]);
    assertTrue(Math.abs((Long) remainder[1] - 1000) < 20, "remainder reach " + remainder[1]);
    assertTrue(Math.abs((Long) remainder[2] - 1000) < 20, "remainder rows " + remainder[2]);
  }

  @Test
  void remainder_absentWhenSuppressedGroupsAreTooSmallTogether() {
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, ROWS), 3, parameters("30", true));
    ReleasedResult result =
        Releaser.release(
            spec,
            rows(new Object[] {"big", 0.0, 10_000L, 10_000L}, new Object[] {"s", 0.0, 3L, 3L}),
            new SeededNoiseSource(7));
    assertFalse(result.remainderRow().isPresent());
  }

  @Test
  void remainderOff_neverReturnsARemainder() {
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, ROWS), 3, parameters("30", false));
    List<Object[]> exact = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      exact.add(new Object[] {"small-" + i, 0.0, 10L, 10L});
    }
    assertFalse(Releaser.release(spec, exact, new SeededNoiseSource(8)).remainderRow().isPresent());
  }

  @Test
  void distinctUnitsColumnOnAnotherField_isRejected() {
    ReleaseColumn wrong =
        new ReleaseColumn(
            "reach", ColumnRole.DISTINCT_UNITS, 2, -1, BigDecimal.ZERO, BigDecimal.ONE);
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, wrong), 3, parameters("1", false));
    PolicyException error = assertThrows(PolicyException.class, () -> Releaser.forSpec(spec));
    assertEquals(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, error.code());
    assertEquals(
        "distinct-unit column 'reach' reads field 2 but the spec's distinct-unit count is field 3",
        error.getMessage());
  }

  @Test
  void nonNumericAggregate_failsWithoutQuotingTheValue() {
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, COST), 3, parameters("1", false));
    PolicyException error =
        assertThrows(
            PolicyException.class,
            () ->
                Releaser.release(
                    spec,
                    rows(new Object[] {"c1", "secret-cell", 1L, 100L}),
                    new SeededNoiseSource(9)));
    assertEquals(PolicyErrorCode.EXECUTION_FAILED, error.code());
    assertFalse(error.getMessage().contains("secret-cell"));
  }

  @Test
  void avgWithoutCountBound_isRefused() {
    ReleaseColumn average =
        new ReleaseColumn("avg", ColumnRole.AVG, 1, 2, BigDecimal.ZERO, new BigDecimal("100"));
    ReleaseSpec spec = new ReleaseSpec(List.of(CAMPAIGN, average), 3, parameters("1", false));
    PolicyException error = assertThrows(PolicyException.class, () -> Releaser.forSpec(spec));
    assertEquals(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, error.code());
    assertEquals(
        "average column 'avg' has no countUpperBound: the noise of its divisor cannot be sized",
        error.getMessage());
  }

  @Test
  void hugeEpsilon_releasesValuesCloseToTheExactFields() {
    ReleaseSpec spec =
        new ReleaseSpec(
            List.of(CAMPAIGN, REACH, ROWS, COST, AVG_COST), 3, parameters("100000", false));
    Object[] row =
        Releaser.release(
                spec,
                rows(new Object[] {"c", new BigDecimal("12345.5"), 500L, 800L}),
                new SeededNoiseSource(12))
            .rows()
            .get(0);

    assertEquals(800L, row[1]);
    assertEquals(500L, row[2]);
    assertTrue(((BigDecimal) row[3]).subtract(new BigDecimal("12345.5")).abs().doubleValue() < 0.1);
    assertTrue(((BigDecimal) row[4]).subtract(new BigDecimal("24.691")).abs().doubleValue() < 0.01);
  }

  @Test
  void releasedValues_haveTheDocumentedJavaTypes() {
    ReleaseSpec spec =
        new ReleaseSpec(List.of(CAMPAIGN, REACH, ROWS, COST, AVG_COST), 3, parameters("5", false));
    Object[] row =
        Releaser.release(
                spec, rows(new Object[] {"c", 1000L, 500L, 500L}), new SeededNoiseSource(10))
            .rows()
            .get(0);
    assertInstanceOf(String.class, row[0]);
    assertInstanceOf(Long.class, row[1]);
    assertInstanceOf(Long.class, row[2]);
    assertInstanceOf(BigDecimal.class, row[3]);
    assertInstanceOf(BigDecimal.class, row[4]);
  }
}
