package dev.cleanroom.querypolicy.analysis;

import static dev.cleanroom.querypolicy.analysis.QueryAnalyzerTest.accepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.release.ColumnNoise;
import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.DerivedExpression.Interval;
import dev.cleanroom.querypolicy.release.NoisyHistogram;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.QuantileHistogram;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** How quantiles become one released histogram per metric and post-processing. */
class QuantileQueryTest {
  private static final String FROM = " FROM advertiser.impressions GROUP BY campaign_id";
  private static final String MEDIAN = "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY cost)";

  private static NoisyHistogram histogram(long... counts) {
    return new NoisyHistogram(counts, BigDecimal.ZERO, new BigDecimal("100"), new BigDecimal("10"));
  }

  private static long[] slices(int... nonZero) {
    long[] counts = new long[QuantileHistogram.BUCKETS];
    for (int i = 0; i < nonZero.length; i += 2) {
      counts[nonZero[i]] = nonZero[i + 1];
    }
    return counts;
  }

  private static List<PostProcessing.ShownRow> shown(PrivateQuery query, Object... parts) {
    ReleasedResult released =
        new ReleasedResult(
            List.<Object[]>of(parts),
            Optional.empty(),
            0,
            Releaser.forSpec(query.releaseSpec()).noiseReport(),
            BigDecimal.ONE,
            1e-6,
            50);
    return query.postProcessing().arrange(released, List.of(), OptionalInt.empty());
  }

  @Test
  void quantilesOfOneMetric_shareOneHistogramAndOneShare() {
    PrivateQuery one = accepted("SELECT campaign_id, " + MEDIAN + " AS m" + FROM);
    PrivateQuery three =
        accepted(
            "SELECT campaign_id, "
                + MEDIAN
                + " AS m, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY cost) AS p90,"
                + " PERCENTILE_DISC(0.1) WITHIN GROUP (ORDER BY cost) AS p10"
                + FROM);
    PrivateQuery sum = accepted("SELECT campaign_id, SUM(cost) AS s" + FROM);

    List<ReleaseColumn> columns = three.releaseSpec().columns();
    assertEquals(
        List.of(ColumnRole.GROUP_KEY, ColumnRole.HISTOGRAM),
        columns.stream().map(ReleaseColumn::role).toList());
    assertEquals(
        "histogram of advertiser.impressions.cost per person (32 slices of [0, 100])",
        columns.get(1).name());
    assertEquals(one.releaseSpec().columns(), columns);
    // One share for the whole histogram, as for one SUM.
    assertEquals(
        Releaser.forSpec(sum.releaseSpec()).epsilonShare(),
        Releaser.forSpec(three.releaseSpec()).epsilonShare());
    ColumnNoise noise = Releaser.forSpec(three.releaseSpec()).noiseReport().get(0);
    assertEquals("discrete-laplace-histogram", noise.mechanism());
    // A person moves one slice by 1 in each of at most 4 groups: scale 4 / share.
    assertEquals(
        0,
        noise
            .scale()
            .compareTo(
                new BigDecimal("4")
                    .divide(noise.epsilon(), java.math.MathContext.DECIMAL64)
                    .stripTrailingZeros()));
  }

  @Test
  void explanation_saysWhatTheQuantileIsOverAndThatTheHistogramIsHidden() {
    PrivateQuery query = accepted("SELECT campaign_id, " + MEDIAN + " AS m" + FROM);

    assertTrue(
        query.explanation().contains("its PERCENTILE_CONT(0.5) is over the people of the group"),
        query.explanation());
    assertTrue(
        query
            .explanation()
            .contains(
                "histogram of advertiser.impressions.cost per person (32 slices of [0, 100])"
                    + " is not returned"),
        query.explanation());
  }

  @Test
  void quantile_interpolatesInTheSliceWhereTheNoisedRunningTotalReachesItsRank() {
    PrivateQuery query =
        accepted(
            "SELECT campaign_id, "
                + MEDIAN
                + " AS m, PERCENTILE_CONT(0) WITHIN GROUP (ORDER BY cost) AS low,"
                + " PERCENTILE_CONT(1) WITHIN GROUP (ORDER BY cost) AS high"
                + FROM);
    // 10 people in slice 0 ([0, 3.125)), 10 in slice 2 ([6.25, 9.375)), noise -3 in slice 5.
    NoisyHistogram noisy = histogram(slices(0, 10, 2, 10, 5, -3));

    Object[] values = shown(query, "c1", noisy).get(0).values();

    // Negative counts are cut at 0: 20 people, rank 10 is the end of slice 0.
    assertEquals(0, new BigDecimal("3.125").compareTo((BigDecimal) values[1]));
    assertEquals(0, BigDecimal.ZERO.compareTo((BigDecimal) values[2]));
    assertEquals(0, new BigDecimal("9.375").compareTo((BigDecimal) values[3]));
    // Nobody after noise: NULL, never an error.
    assertNull(shown(query, "c1", histogram(slices(3, -2))).get(0).values()[1]);
  }

  @Test
  void interval_holdsTheExactQuantileWhenEverySliceIsWithinItsWidth() {
    // Exact: 40 people in slice 4 ([12.5, 15.625)) and 60 in slice 20 ([62.5, 65.625)); the
    // median is in slice 20. Noised within +-10 (the histogram's simultaneous width).
    NoisyHistogram noisy = histogram(slices(4, 49, 20, 52, 30, 7));

    Interval interval = noisy.interval(new BigDecimal("0.5"));
    BigDecimal value = noisy.quantile(new BigDecimal("0.5"));

    assertTrue(interval.low().compareTo(new BigDecimal("62.5")) <= 0, interval.toString());
    assertTrue(interval.high().compareTo(new BigDecimal("65.625")) >= 0, interval.toString());
    assertTrue(interval.low().compareTo(value) <= 0 && interval.high().compareTo(value) >= 0);
    // Not the whole range: the noise leaves most slices out.
    assertTrue(interval.low().compareTo(new BigDecimal("12.5")) >= 0, interval.toString());
    assertTrue(interval.high().compareTo(new BigDecimal("100")) < 0, interval.toString());
  }

  @Test
  void intervalOfTheOutput_comesFromTheHistogram() {
    PrivateQuery query = accepted("SELECT campaign_id, " + MEDIAN + " AS m" + FROM);
    List<PostProcessing.ShownRow> rows =
        shown(query, "c1", histogram(slices(4, 49, 20, 52, 30, 7)));

    Interval interval =
        query
            .postProcessing()
            .intervals(
                1, rows, query.releaseSpec(), Releaser.forSpec(query.releaseSpec()).noiseReport())
            .get(0);

    assertEquals(histogram(slices(4, 49, 20, 52, 30, 7)).interval(new BigDecimal("0.5")), interval);
  }
}
