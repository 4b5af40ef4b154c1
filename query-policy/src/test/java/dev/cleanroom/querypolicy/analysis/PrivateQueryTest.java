package dev.cleanroom.querypolicy.analysis;

import static dev.cleanroom.querypolicy.analysis.QueryAnalyzerTest.accepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.OrderKey;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrivateQueryTest {
  private static final String JOIN =
      " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash";

  @Test
  void equivalentQueriesWrittenDifferently_shareTheDigest() {
    String inline =
        accepted("SELECT i.campaign_id, SUM(i.cost) AS spend" + JOIN + " GROUP BY i.campaign_id")
            .canonicalDigest();
    String aliased =
        accepted(
                "select  x.CAMPAIGN_ID as campaign,\n sum(x.COST) as total"
                    + " from ADVERTISER.IMPRESSIONS x join RETAILER.CUSTOMERS y"
                    + " on x.EMAIL_HASH = y.EMAIL_HASH group by x.campaign_id")
            .canonicalDigest();
    String cte =
        accepted(
                "WITH j AS (SELECT i.campaign_id AS k, i.cost AS v"
                    + JOIN
                    + ") SELECT k, SUM(v) FROM j GROUP BY k")
            .canonicalDigest();
    assertEquals(inline, aliased);
    assertEquals(inline, cte);
  }

  @Test
  void differentQueries_haveDifferentDigests() {
    String spend =
        accepted("SELECT campaign_id, SUM(cost) FROM advertiser.impressions GROUP BY campaign_id")
            .canonicalDigest();
    String count =
        accepted("SELECT campaign_id, COUNT(*) FROM advertiser.impressions GROUP BY campaign_id")
            .canonicalDigest();
    String filtered =
        accepted(
                "SELECT campaign_id, SUM(cost) FROM advertiser.impressions"
                    + " WHERE campaign_id = 'c1' GROUP BY campaign_id")
            .canonicalDigest();
    String limited =
        accepted(
                "SELECT campaign_id, SUM(cost) AS s FROM advertiser.impressions"
                    + " GROUP BY campaign_id ORDER BY s DESC LIMIT 1")
            .canonicalDigest();
    assertEquals(4, List.of(spend, count, filtered, limited).stream().distinct().count());
  }

  @Test
  void planTextAndDigest_neverContainTheKey() {
    PrivateQuery query =
        accepted("SELECT campaign_id, COUNT(*) FROM advertiser.impressions GROUP BY campaign_id");
    String realKeyLiteral = Long.toString(72623859790382856L);
    assertTrue(query.plan().explain().contains(realKeyLiteral), "the plan uses the real key");
    assertFalse(query.planText().contains(realKeyLiteral));
    assertTrue(query.planText().contains("CR_CONTRIBUTION_ORDER(0, 0,"));
  }

  @Test
  void releaseSpec_pointsAtThePlansFields() {
    PrivateQuery query =
        accepted(
            "SELECT c.age_band, COUNT(DISTINCT c.customer_id) AS reach, AVG(i.cost) AS avg_cost,"
                + " COUNT(*) AS n"
                + JOIN
                + " GROUP BY c.age_band ORDER BY reach DESC LIMIT 3");
    List<ReleaseColumn> columns = query.releaseSpec().columns();
    assertEquals(ColumnRole.GROUP_KEY, columns.get(0).role());
    assertEquals(0, columns.get(0).valueField());
    assertEquals(ColumnRole.DISTINCT_UNITS, columns.get(1).role());
    assertEquals(4, columns.get(1).valueField());
    assertEquals(ColumnRole.AVG, columns.get(2).role());
    assertEquals(1, columns.get(2).valueField());
    assertEquals(2, columns.get(2).countField());
    assertEquals(
        new BigDecimal("100"),
        columns.get(2).upperBound().stripTrailingZeros().scale() < 0
            ? columns.get(2).upperBound().setScale(0)
            : columns.get(2).upperBound());
    // The count under an average is clamped per unit and group like COUNT(*): its bound sizes the
    // noise on the divisor, and the release layer refuses an AVG without it.
    assertEquals(0, BigDecimal.ONE.compareTo(columns.get(2).countUpperBound()));
    assertTrue(
        dev.cleanroom.querypolicy.release.Releaser.forSpec(query.releaseSpec())
            .noiseReport()
            .stream()
            .anyMatch(noise -> noise.column().startsWith("avg_cost")));
    assertEquals(ColumnRole.COUNT, columns.get(3).role());
    assertEquals(3, columns.get(3).valueField());
    assertEquals(4, query.releaseSpec().distinctUnitsField());
    assertEquals(5, query.plan().getRowType().getFieldCount());
    assertEquals(List.of(new OrderKey(1, true)), query.order());
    assertEquals(3, query.limit().getAsInt());
    assertEquals(
        List.of(TableName.parse("advertiser.impressions"), TableName.parse("retailer.customers")),
        query.tablesRead());
    assertEquals(50, query.releaseSpec().parameters().minimumDistinctUnits());
    assertEquals(4, query.releaseSpec().parameters().maxGroupsContributed());
  }

  @Test
  void explanation_namesConsentUnitClampAndThreshold() {
    String explanation =
        accepted("SELECT c.age_band, SUM(i.cost)" + JOIN + " GROUP BY c.age_band").explanation();
    assertTrue(explanation.contains("opted_out is TRUE or NULL"), explanation);
    assertTrue(explanation.contains("retailer.customers.customer_id"), explanation);
    assertTrue(explanation.contains("clamped to [0, 100]"), explanation);
    assertTrue(explanation.contains("fewer than 50 people"), explanation);
  }

  @Test
  void explanation_reportsTheCapOfEachJoinedTable() {
    String explanation =
        accepted("SELECT c.age_band, COUNT(*)" + JOIN + " GROUP BY c.age_band").explanation();
    assertTrue(
        explanation.contains(
            "Before the join, at most 100 row(s) of advertiser.impressions per value of"
                + " (advertiser.impressions.email_hash) take part, chosen by a keyed hash the"
                + " analyst cannot influence."),
        explanation);
    assertTrue(
        explanation.contains(
            "at most 100 row(s) of retailer.customers per value of"
                + " (retailer.customers.customer_id)"),
        explanation);
  }
}
