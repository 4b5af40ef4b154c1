package dev.cleanroom.querypolicy.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.querypolicy.release.DerivedExpression;
import dev.cleanroom.querypolicy.release.MechanismPreference;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.ReleaseOptions;
import dev.cleanroom.querypolicy.release.ReleaseRule;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which queries the plan releases by public group keys, and which fall back to the threshold. */
class PublicGroupKeysTest {
  private static final QueryAnalyzer ANALYZER = new QueryAnalyzer();
  private static final String JOIN =
      " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash";
  private static final List<Object> CAMPAIGNS = List.of("c1", "c2", "c3");

  private static PrivateQuery accepted(String sql, AnalysisContext context) {
    AnalysisResult result = ANALYZER.analyze(sql, context, ReleaseOptions.DEFAULT);
    return assertInstanceOf(AnalysisResult.Accepted.class, result, result::toString).query();
  }

  private static PrivateQuery plain(String sql) {
    return accepted(sql, TestCatalog.context());
  }

  private static PrivateQuery published(String sql) {
    return accepted(sql, publishedContext(CAMPAIGNS));
  }

  /** The test catalog with the campaign list published by the impressions policy. */
  static AnalysisContext publishedContext(List<Object> campaigns) {
    DatasetPolicy base = TestPolicies.impressions();
    List<ColumnPolicy> columns = new ArrayList<>();
    for (ColumnPolicy column : base.columns()) {
      columns.add(
          column.name().equals("campaign_id")
              ? new ColumnPolicy(
                  column.name(), column.type(), column.columnClass(), null, null, null, campaigns)
              : column);
    }
    DatasetPolicy impressions =
        new DatasetPolicy(
            base.table(),
            columns,
            base.allowedJoins(),
            base.minimumDistinctUnits(),
            base.privacy(),
            base.allowedAnalysts());
    Map<TableName, DatasetPolicy> policies =
        Map.of(
            TestPolicies.CUSTOMERS,
            TestPolicies.customers(),
            TestPolicies.IMPRESSIONS,
            impressions);
    return new AnalysisContext(TestCatalog.schema(), policies, "advertiser", TestCatalog.key());
  }

  private static ReleaseRule.PublicKeys publicKeys(PrivateQuery query) {
    return assertInstanceOf(ReleaseRule.PublicKeys.class, query.releaseSpec().rule());
  }

  private static List<Object> values(PrivateQuery query, int field) {
    return publicKeys(query).keySets().get(field).values();
  }

  @Test
  void publishedColumnAsGroupKey_isReleasedByItsPublishedValues() {
    PrivateQuery query =
        published(
            "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach"
                + JOIN
                + " GROUP BY i.campaign_id");
    assertEquals("public keys: policy", query.releaseSpec().rule().describe());
    assertEquals(CAMPAIGNS, values(query, 0));
    assertTrue(query.explanation().contains("exactly 3 key combination(s)"), query.explanation());
  }

  @Test
  void inListOnAGroupKey_isReleasedByTheListedValues() {
    PrivateQuery query =
        plain(
            "SELECT campaign_id, COUNT(*) AS n FROM advertiser.impressions"
                + " WHERE campaign_id IN ('c1', 'c7', 'c9') GROUP BY campaign_id");
    assertEquals("public keys: query", query.releaseSpec().rule().describe());
    assertEquals(List.of("c1", "c7", "c9"), values(query, 0));
  }

  @Test
  void equalityOnAGroupKey_isReleasedAsOneKey() {
    PrivateQuery query =
        plain(
            "SELECT campaign_id, COUNT(*) AS n FROM advertiser.impressions"
                + " WHERE 'c4' = campaign_id GROUP BY campaign_id");
    assertEquals(List.of("c4"), values(query, 0));
  }

  @Test
  void inListOnAPublishedColumn_keepsTheValuesBothAllow() {
    PrivateQuery query =
        published(
            "SELECT campaign_id, COUNT(*) AS n FROM advertiser.impressions"
                + " WHERE campaign_id IN ('c2', 'c3', 'c99') GROUP BY campaign_id");
    assertEquals(List.of("c2", "c3"), values(query, 0));
    assertEquals("public keys: query", query.releaseSpec().rule().describe());
  }

  @Test
  void twoPublicGroupKeys_releaseTheCrossProduct() {
    PrivateQuery query =
        published(
            "SELECT i.campaign_id, c.age_band, COUNT(*) AS n"
                + JOIN
                + " WHERE c.age_band IN ('18-24', '25-34') GROUP BY i.campaign_id, c.age_band");
    ReleaseRule.PublicKeys keys = publicKeys(query);
    assertEquals(6, keys.keyCount());
    assertEquals("public keys: policy and query", keys.describe());
    assertEquals(6, keys.combinations().size());
  }

  @Test
  void aGroupKeyWithoutKeySet_fallsBackToTheThreshold() {
    PrivateQuery query =
        published(
            "SELECT i.campaign_id, c.age_band, COUNT(*) AS n"
                + JOIN
                + " GROUP BY i.campaign_id, c.age_band");
    ReleaseRule.Threshold threshold =
        assertInstanceOf(ReleaseRule.Threshold.class, query.releaseSpec().rule());
    assertTrue(threshold.note().contains("group key 2"), threshold.note());
  }

  @Test
  void restrictionUnderOr_isNotAKeySet() {
    PrivateQuery query =
        plain(
            "SELECT campaign_id, COUNT(*) AS n FROM advertiser.impressions"
                + " WHERE campaign_id IN ('c1', 'c2') OR ts >= TIMESTAMP '2026-01-01 00:00:00'"
                + " GROUP BY campaign_id");
    assertEquals(ReleaseRule.Threshold.PLAIN, query.releaseSpec().rule());
  }

  @Test
  void restrictionOfAnotherColumn_isNotAKeySet() {
    PrivateQuery query =
        plain(
            "SELECT i.campaign_id, COUNT(*) AS n"
                + JOIN
                + " WHERE c.age_band IN ('18-24') GROUP BY i.campaign_id");
    assertEquals(ReleaseRule.Threshold.PLAIN, query.releaseSpec().rule());
  }

  @Test
  void expressionOverAPublishedColumn_isNotAKeySet() {
    PrivateQuery query =
        published(
            "SELECT UPPER(campaign_id) AS c, COUNT(*) AS n FROM advertiser.impressions"
                + " GROUP BY UPPER(campaign_id)");
    assertEquals(ReleaseRule.Threshold.PLAIN, query.releaseSpec().rule());
  }

  @Test
  void restrictionInsideAPerPersonSubQuery_fallsBackToTheThreshold() {
    PrivateQuery query =
        plain(
            "SELECT LEAST(n, 5) AS frequency, COUNT(*) AS people FROM (SELECT email_hash,"
                + " COUNT(*) AS n FROM advertiser.impressions WHERE campaign_id = 'c1'"
                + " GROUP BY email_hash) t GROUP BY LEAST(n, 5)");
    assertEquals(ReleaseRule.Threshold.PLAIN, query.releaseSpec().rule());
  }

  @Test
  void tooManyCombinations_fallBackToTheThresholdAndSaySo() {
    List<Object> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      many.add("c" + i);
    }
    StringBuilder bands = new StringBuilder("'b0'");
    for (int i = 1; i < 11; i++) {
      bands.append(", 'b").append(i).append('\'');
    }
    PrivateQuery query =
        accepted(
            "SELECT i.campaign_id, c.age_band, COUNT(*) AS n"
                + JOIN
                + " WHERE c.age_band IN ("
                + bands
                + ") GROUP BY i.campaign_id, c.age_band",
            publishedContext(many));
    ReleaseRule.Threshold threshold =
        assertInstanceOf(ReleaseRule.Threshold.class, query.releaseSpec().rule());
    assertTrue(threshold.note().contains("10000"), threshold.note());
    assertTrue(query.explanation().contains("10000"), query.explanation());
  }

  @Test
  void optionsAndKeySets_changeTheDigest() {
    String sql =
        "SELECT campaign_id, COUNT(*) AS n FROM advertiser.impressions GROUP BY campaign_id";
    AnalysisContext context = publishedContext(CAMPAIGNS);
    String plainDigest = accepted(sql, TestCatalog.context()).canonicalDigest();
    String publishedDigest = accepted(sql, context).canonicalDigest();
    String otherPublished = accepted(sql, publishedContext(List.of("c1", "c2"))).canonicalDigest();
    AnalysisResult asked = ANALYZER.analyze(sql, context, new ReleaseOptions(true, false));
    String askedDigest =
        assertInstanceOf(AnalysisResult.Accepted.class, asked).query().canonicalDigest();
    assertEquals(
        4,
        List.of(plainDigest, publishedDigest, otherPublished, askedDigest).stream()
            .distinct()
            .count());
    assertNotEquals(plainDigest, publishedDigest);
  }

  @Test
  void derivedOutputsHavingAndOrder_overKeysWithoutRows_areNullNotErrors() {
    PrivateQuery query =
        plain(
            "SELECT campaign_id, SUM(cost) / COUNT(*) AS cost_per_impression, COUNT(*) AS n"
                + " FROM advertiser.impressions WHERE campaign_id IN ('a', 'b')"
                + " GROUP BY campaign_id ORDER BY cost_per_impression DESC");
    // Laplace noise, whose noised zeros this seed keeps below k (auto may choose Gaussian at m 4).
    query = query.withMechanism(MechanismPreference.LAPLACE);
    ReleasedResult released =
        Releaser.release(query.releaseSpec(), List.of(), new SeededNoiseSource(7));
    List<PostProcessing.ShownRow> rows =
        query.postProcessing().arrange(released, query.order(), query.limit());
    assertEquals(2, rows.size());
    for (PostProcessing.ShownRow row : rows) {
      // Noised zeros stay far below k: the key's row is there, its numbers are NULL.
      assertEquals(null, row.values()[1]);
      assertEquals(null, row.values()[2]);
    }
    List<DerivedExpression.Interval> intervals =
        query.postProcessing().intervals(1, rows, query.releaseSpec(), released.noise());
    assertEquals(2, intervals.size());
    assertTrue(intervals.stream().allMatch(interval -> interval == null));

    PrivateQuery having =
        plain(
            "SELECT campaign_id, COUNT(*) AS n FROM advertiser.impressions"
                + " WHERE campaign_id IN ('a', 'b') GROUP BY campaign_id HAVING COUNT(*) > 0");
    ReleasedResult none =
        Releaser.release(having.releaseSpec(), List.of(), new SeededNoiseSource(8));
    // HAVING on NULL is not true: rows whose numbers are withheld are not kept.
    assertEquals(0, having.postProcessing().arrange(none, having.order(), having.limit()).size());
  }
}
