package dev.cleanroom.querypolicy.analysis;

import static dev.cleanroom.querypolicy.analysis.QueryAnalyzerTest.accepted;
import static dev.cleanroom.querypolicy.analysis.QueryAnalyzerTest.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.DerivedExpression;
import dev.cleanroom.querypolicy.release.OrderKey;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How derived outputs, HAVING and ORDER BY on aggregates become released parts and post-processing.
 */
class DerivedQueryTest {
  private static final String FROM = " FROM advertiser.impressions GROUP BY campaign_id";

  private static List<String> partNames(PrivateQuery query) {
    return query.releaseSpec().columns().stream().map(ReleaseColumn::name).toList();
  }

  @Test
  void derivedOutput_noisesEachAggregateOnce_andCostsWhatItsPartsCost() {
    PrivateQuery cpm = accepted("SELECT campaign_id, SUM(cost) / COUNT(*) * 1000 AS cpm" + FROM);
    PrivateQuery parts = accepted("SELECT campaign_id, SUM(cost) AS s, COUNT(*) AS n" + FROM);

    assertEquals(
        List.of("campaign_id", "SUM(advertiser.impressions.cost)", "COUNT(*)"), partNames(cpm));
    assertEquals(
        parts.releaseSpec().columns().stream().map(ReleaseColumn::role).toList(),
        cpm.releaseSpec().columns().stream().map(ReleaseColumn::role).toList());
    assertEquals(
        Releaser.forSpec(parts.releaseSpec()).epsilonShare(),
        Releaser.forSpec(cpm.releaseSpec()).epsilonShare());
    PostProcessing.OutputColumn output = cpm.postProcessing().outputs().get(1);
    assertEquals("cpm", output.name());
    assertEquals(DerivedExpression.Type.REAL, output.expression().type());
  }

  @Test
  void anAggregateReadBySeveralOutputs_isOnePart() {
    PrivateQuery query =
        accepted(
            "SELECT campaign_id, COUNT(*) AS a, COUNT(*) AS b, COUNT(*) * 2 AS c,"
                + " COUNT(*) / COUNT(DISTINCT email_hash) AS per_person"
                + FROM
                + " HAVING COUNT(*) > 3 ORDER BY COUNT(*)");

    assertEquals(
        List.of("campaign_id", "a", "COUNT(DISTINCT advertiser.impressions.email_hash)"),
        partNames(query));
    // Counts stay whole numbers, as in SQL.
    assertEquals(
        DerivedExpression.Type.INTEGER,
        query.postProcessing().outputs().get(4).expression().type());
    assertEquals(List.of(new OrderKey(1, false)), query.order());
  }

  @Test
  void hiddenMeasures_areNoisedAndNamedInTheExplanation() {
    PrivateQuery query =
        accepted(
            "SELECT campaign_id, COUNT(DISTINCT email_hash) AS reach"
                + FROM
                + " HAVING AVG(cost) > 1 ORDER BY SUM(cost) DESC LIMIT 2");

    assertEquals(
        List.of(ColumnRole.GROUP_KEY, ColumnRole.DISTINCT_UNITS, ColumnRole.SUM, ColumnRole.AVG),
        query.releaseSpec().columns().stream().map(ReleaseColumn::role).toList());
    // The sort value after the two outputs.
    assertEquals(List.of(new OrderKey(2, true)), query.order());
    assertEquals(1, query.postProcessing().having().size());
    assertTrue(
        query
            .explanation()
            .contains(
                "SUM(advertiser.impressions.cost) is not returned but read by a derived output,"
                    + " HAVING or ORDER BY: it is noised once and spends a share of epsilon"),
        query.explanation());
    assertTrue(query.explanation().contains("HAVING is applied to the released, noised rows"));
  }

  @Test
  void queryWithoutDerivedValues_showsItsPartsAsReleased() {
    PrivateQuery query =
        accepted("SELECT campaign_id, COUNT(*) AS n" + FROM + " ORDER BY n DESC LIMIT 1");

    assertTrue(query.postProcessing().isIdentity(query.releaseSpec()));
    assertFalse(query.explanation().contains("post-processing"));
  }

  @Test
  void derivedRefusals_sayWhatCannotBeComputedAfterNoise() {
    Violation text =
        rejected("SELECT campaign_id, CAST(COUNT(*) AS VARCHAR(9)) AS n" + FROM).get(0);
    assertEquals(ViolationCode.POST_AGGREGATE_EXPRESSION, text.code());
    assertTrue(text.message().contains("cannot be computed from the released aggregates"));

    Violation groupKey =
        rejected("SELECT campaign_id, COUNT(*) AS n" + FROM + " HAVING campaign_id = 'c1'").get(0);
    assertEquals(ViolationCode.HAVING_NOT_ALLOWED, groupKey.code());
    assertTrue(groupKey.message().contains("Filter rows and group keys in WHERE"));

    Violation rounding = rejected("SELECT campaign_id, ROUND(SUM(cost), 40) AS s" + FROM).get(0);
    assertEquals(ViolationCode.POST_AGGREGATE_EXPRESSION, rounding.code());
    assertTrue(rounding.message().contains("ROUND takes a whole-number literal"));

    Violation beforeGrouping =
        rejected(
                "SELECT ROUND(CHAR_LENGTH(campaign_id), 1) AS r, COUNT(*) AS n"
                    + FROM
                    + ", ROUND(CHAR_LENGTH(campaign_id), 1)")
            .get(0);
    assertEquals(ViolationCode.FUNCTION_NOT_ALLOWED, beforeGrouping.code());
  }
}
