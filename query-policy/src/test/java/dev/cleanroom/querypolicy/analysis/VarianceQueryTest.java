package dev.cleanroom.querypolicy.analysis;

import static dev.cleanroom.querypolicy.analysis.QueryAnalyzerTest.accepted;
import static dev.cleanroom.querypolicy.analysis.QueryAnalyzerTest.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a variance or standard deviation becomes three released parts and post-processing. */
class VarianceQueryTest {
  private static final String FROM = " FROM advertiser.impressions GROUP BY campaign_id";

  private static List<String> partNames(PrivateQuery query) {
    return query.releaseSpec().columns().stream().map(ReleaseColumn::name).toList();
  }

  /** The shown values of one released row of parts. */
  private static Object[] shown(PrivateQuery query, Object... parts) {
    ReleasedResult released =
        new ReleasedResult(
            List.<Object[]>of(parts), Optional.empty(), 0, List.of(), BigDecimal.ONE, 1e-6, 50);
    return query.postProcessing().arrange(released, query.order(), query.limit()).get(0).values();
  }

  @Test
  void variance_isThreeNoisedPartsEachWithItsOwnShare() {
    PrivateQuery variance = accepted("SELECT campaign_id, VAR_POP(cost) AS v" + FROM);

    assertEquals(
        List.of(
            "campaign_id",
            "VAR_POP(advertiser.impressions.cost) part: people with a value",
            "VAR_POP(advertiser.impressions.cost) part: sum of (total - 50)",
            "VAR_POP(advertiser.impressions.cost) part: sum of (total - 50)^2"),
        partNames(variance));
    List<ReleaseColumn> columns = variance.releaseSpec().columns();
    assertEquals(
        List.of(ColumnRole.GROUP_KEY, ColumnRole.COUNT, ColumnRole.SUM, ColumnRole.SUM),
        columns.stream().map(ReleaseColumn::role).toList());
    // One person moves the people by 1, the centred sum by 50 and the squares by 50^2.
    assertEquals(0, columns.get(1).upperBound().compareTo(BigDecimal.ONE));
    assertEquals(0, columns.get(2).maxAbsoluteContribution().compareTo(new BigDecimal("50")));
    assertEquals(0, columns.get(3).maxAbsoluteContribution().compareTo(new BigDecimal("2500")));
    assertEquals(0, columns.get(3).lowerBound().signum());
    // Three shares, like three plain aggregates.
    assertEquals(
        Releaser.forSpec(
                accepted("SELECT campaign_id, COUNT(*), COUNT(cost), SUM(cost)" + FROM)
                    .releaseSpec())
            .epsilonShare(),
        Releaser.forSpec(variance.releaseSpec()).epsilonShare());
  }

  @Test
  void explanationAndReport_nameThePartsAndWhatTheStatisticIsOver() {
    PrivateQuery query = accepted("SELECT campaign_id, STDDEV(cost) AS s" + FROM);

    assertTrue(
        query.explanation().contains("its STDDEV_SAMP is over the people of the group"),
        query.explanation());
    assertTrue(
        query
            .explanation()
            .contains(
                "STDDEV(advertiser.impressions.cost) part: sum of (total - 50)^2 is not"
                    + " returned"),
        query.explanation());
    List<PostProcessing.DerivedNoise> derived =
        query
            .postProcessing()
            .derivedNoise(query.releaseSpec(), Releaser.forSpec(query.releaseSpec()).noiseReport());
    assertEquals(1, derived.size());
    assertEquals(3, derived.get(0).parts().size());
    assertTrue(derived.get(0).expression().startsWith("SQRT("), derived.get(0).expression());
  }

  @Test
  void statistic_isComputedFromTheReleasedPartsAndCutToItsRange() {
    PrivateQuery pop = accepted("SELECT campaign_id, VAR_POP(cost) AS v" + FROM);
    PrivateQuery sample = accepted("SELECT campaign_id, VARIANCE(cost) AS v" + FROM);
    PrivateQuery deviation = accepted("SELECT campaign_id, STDDEV_POP(cost) AS v" + FROM);

    // c1 of the corpus: totals 5, 100, 1.5, 6 -> centred sum -87.5, squares 8813.25.
    Object[] parts = {"c1", 4L, new BigDecimal("-87.5"), new BigDecimal("8813.25")};
    assertEquals(new BigDecimal("1724.796875"), shown(pop, parts)[1]);
    assertEquals(1724.796875 * 4 / 3, ((BigDecimal) shown(sample, parts)[1]).doubleValue(), 1e-9);
    assertEquals(
        Math.sqrt(1724.796875), ((BigDecimal) shown(deviation, parts)[1]).doubleValue(), 1e-9);
    // Noise that pushes the squares below the squared mean gives 0, above the range 50^2.
    assertEquals(
        0,
        BigDecimal.ZERO.compareTo(
            (BigDecimal) shown(pop, "c1", 4L, new BigDecimal("-190"), new BigDecimal("100"))[1]));
    assertEquals(
        0,
        new BigDecimal("2500")
            .compareTo(
                (BigDecimal) shown(pop, "c1", 4L, BigDecimal.ZERO, new BigDecimal("1e7"))[1]));
    // Too few people after noise: NULL, never an error.
    assertNull(shown(pop, "c1", 0L, BigDecimal.ONE, BigDecimal.ONE)[1]);
    assertNull(shown(sample, "c1", 1L, BigDecimal.ONE, BigDecimal.ONE)[1]);
  }

  @Test
  void intervalOfTheStatistic_holdsItsValueAndStaysInItsRange() {
    PrivateQuery pop = accepted("SELECT campaign_id, VAR_POP(cost) AS v" + FROM);
    Object[] parts = {"c1", 400L, new BigDecimal("-8750"), new BigDecimal("881325")};
    ReleasedResult released =
        new ReleasedResult(
            List.<Object[]>of(parts),
            Optional.empty(),
            0,
            Releaser.forSpec(pop.releaseSpec()).noiseReport(),
            BigDecimal.ONE,
            1e-6,
            50);
    List<PostProcessing.ShownRow> rows =
        pop.postProcessing().arrange(released, List.of(), java.util.OptionalInt.empty());
    var interval =
        pop.postProcessing().intervals(1, rows, pop.releaseSpec(), released.noise()).get(0);
    BigDecimal value = (BigDecimal) rows.get(0).values()[1];

    assertTrue(interval.low().compareTo(value) <= 0, interval + " " + value);
    assertTrue(interval.high().compareTo(value) >= 0, interval + " " + value);
    assertTrue(interval.low().signum() >= 0, interval.toString());
    assertTrue(interval.high().compareTo(new BigDecimal("2500")) <= 0, interval.toString());
  }

  @Test
  void varianceOverPerPersonRows_isRefused() {
    List<Violation> violations =
        rejected(
            "SELECT VAR_POP(n) FROM (SELECT email_hash, COUNT(*) AS n"
                + " FROM advertiser.impressions GROUP BY email_hash) AS per_person");

    assertEquals(ViolationCode.AGGREGATE_NOT_ALLOWED, violations.get(0).code());
  }
}
