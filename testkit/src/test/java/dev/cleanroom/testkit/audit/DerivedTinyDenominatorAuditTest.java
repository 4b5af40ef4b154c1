package dev.cleanroom.testkit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.DerivedExpression;
import dev.cleanroom.querypolicy.release.DerivedExpression.Arithmetic;
import dev.cleanroom.querypolicy.release.DerivedExpression.Operator;
import dev.cleanroom.querypolicy.release.DerivedExpression.Part;
import dev.cleanroom.querypolicy.release.DerivedExpression.Type;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.PostProcessing.OutputColumn;
import dev.cleanroom.querypolicy.release.PostProcessing.ShownRow;
import dev.cleanroom.querypolicy.release.QueryPrivacyParameters;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.testkit.audit.PrivacyAudit.Finding;
import java.math.BigDecimal;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The attack of {@code attack_derived_tiny_denominator.case}: a cost per click whose click count is
 * tiny (one click in a group of 500 people), so adding one person with a click and the maximum cost
 * doubles the denominator and moves the exact ratio far. The ratio is computed from the noised sum
 * and the noised count after the release, so it can reveal no more than they do: its empirical
 * epsilon stays below the two parts' shares, and a noised count that comes out zero or negative
 * gives NULL, never an error.
 *
 * <p>Sample size as in {@link PrivacyAuditTest}: 40,000 runs per dataset at 99.9% confidence.
 */
@Tag("statistical")
class DerivedTinyDenominatorAuditTest {
  private static final PrivacyAudit AUDIT = new PrivacyAudit(40_000, 1e-6, 0.999);

  /** The statistic of a run whose ratio is NULL (its noised count was not positive). */
  private static final double NULL_RATIO = -1e12;

  // Exact rows: [group, clamped cost sum, clamped click count, distinct units].
  private static final ReleaseSpec SPEC =
      new ReleaseSpec(
          List.of(
              new ReleaseColumn("campaign_id", ColumnRole.GROUP_KEY, 0, -1, null, null),
              new ReleaseColumn(
                  "SUM(cost)", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, new BigDecimal("100")),
              new ReleaseColumn(
                  "COUNT(clicked)", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE)),
          3,
          new QueryPrivacyParameters(new BigDecimal("3"), 1e-6, 10, 1, false));
  private static final DerivedExpression COST_PER_CLICK =
      new Arithmetic(Operator.DIVIDE, new Part(1, Type.REAL), new Part(2, Type.INTEGER));

  /** The ratio alone, as {@code SELECT campaign_id, SUM(cost) / COUNT(..)} answers it. */
  private static final PostProcessing RATIO_ONLY =
      new PostProcessing(
          List.of(
              new OutputColumn("campaign_id", new Part(0, Type.TEXT)),
              new OutputColumn("cost_per_click", COST_PER_CLICK)),
          List.of(),
          List.of());

  private static final List<Object[]> ONE_CLICK =
      List.<Object[]>of(new Object[] {"g", 50.0, 1L, 500L});

  /** One more person, with a click and the largest cost. */
  private static final List<Object[]> TWO_CLICKS =
      List.<Object[]>of(new Object[] {"g", 150.0, 2L, 501L});

  private static double ratio(ReleasedResult released) {
    List<ShownRow> shown = RATIO_ONLY.arrange(released, List.of(), OptionalInt.empty());
    if (shown.isEmpty()) {
      return PrivacyAudit.NOT_RELEASED;
    }
    Object value = shown.get(0).values()[1];
    return value == null ? NULL_RATIO : ((BigDecimal) value).doubleValue();
  }

  @Test
  void ratioOverATinyNoisedCount_revealsNoMoreThanItsParts() {
    Releaser releaser = Releaser.forSpec(SPEC);
    PrivacyAudit.Mechanism<List<Object[]>> mechanism =
        PrivacyAudit.pipeline(rows -> rows, releaser, DerivedTinyDenominatorAuditTest::ratio);

    Finding finding = AUDIT.audit(mechanism, ONE_CLICK, TWO_CLICKS, new SeededNoiseSource(14));

    // The ratio reads two parts, one share each; post-processing adds nothing to them.
    double parts = 2 * releaser.epsilonShare().doubleValue();
    assertTrue(finding.epsilonLowerBound() <= parts, finding.toString());
    // Not vacuous: the ratio does carry what its parts reveal.
    assertTrue(finding.epsilonLowerBound() >= 0.25 * parts, finding.toString());
  }

  @Test
  void nonPositiveNoisedCount_givesNullAndOtherwiseTheRatioOfTheReleasedParts() {
    Releaser releaser = Releaser.forSpec(SPEC);
    PostProcessing withParts =
        new PostProcessing(
            List.of(
                new OutputColumn("SUM(cost)", new Part(1, Type.REAL)),
                new OutputColumn("COUNT(clicked)", new Part(2, Type.INTEGER)),
                new OutputColumn("cost_per_click", COST_PER_CLICK)),
            List.of(),
            List.of());
    SeededNoiseSource noise = new SeededNoiseSource(15);
    int nulls = 0;
    for (int run = 0; run < 2_000; run++) {
      ShownRow row =
          withParts
              .arrange(releaser.release(ONE_CLICK, noise), List.of(), OptionalInt.empty())
              .get(0);
      BigDecimal sum = (BigDecimal) row.values()[0];
      long count = (Long) row.values()[1];
      if (count <= 0) {
        assertNull(row.values()[2]);
        nulls++;
      } else {
        assertEquals(
            sum.divide(BigDecimal.valueOf(count), DerivedExpression.CONTEXT).stripTrailingZeros(),
            ((BigDecimal) row.values()[2]).stripTrailingZeros());
      }
    }
    // With one exact click and a count noise of scale 4/3, a count of 0 is common.
    assertTrue(nulls > 100, "NULL ratios: " + nulls);
  }
}
