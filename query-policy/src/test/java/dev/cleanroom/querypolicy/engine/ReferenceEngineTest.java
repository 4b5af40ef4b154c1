package dev.cleanroom.querypolicy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReferenceEngineTest {
  private ReferenceEngine engine;

  @BeforeEach
  void openEngine() {
    engine = new ReferenceEngine();
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  private static PrivateQuery query(String sql) {
    return ((AnalysisResult.Accepted) new QueryAnalyzer().analyze(sql, TestCatalog.context()))
        .query();
  }

  @Test
  void samePlanTwice_givesTheSameRows() {
    PrivateQuery query =
        query(
            "SELECT campaign_id, SUM(cost), COUNT(DISTINCT email_hash)"
                + " FROM advertiser.impressions GROUP BY campaign_id");
    List<String> first =
        query.releaseSpec().plainRows(engine.execute(query.plan())).stream()
            .map(Arrays::toString)
            .sorted()
            .toList();
    List<String> second =
        query.releaseSpec().plainRows(engine.execute(query.plan())).stream()
            .map(Arrays::toString)
            .sorted()
            .toList();
    // c1: h1 spends 5, h2 150 clamped to 100; c2: h3 1, h2 4, h4 5.
    assertEquals(List.of("[c1, 105.0, 2]", "[c2, 10.0, 3]"), first);
    assertEquals(first, second);
  }

  @Test
  void timestampGroupKeys_areEpochMillis() {
    PrivateQuery query =
        query(
            "SELECT FLOOR(ts TO DAY) AS d, COUNT(*) FROM advertiser.impressions"
                + " WHERE campaign_id = 'c2' GROUP BY FLOOR(ts TO DAY)");
    List<String> rows =
        engine.execute(query.plan()).stream().map(Arrays::toString).sorted().toList();
    long monday = TestCatalog.MONDAY;
    long tuesday = monday + 86_400_000L;
    // c2: h3 (opted out at the retailer, but this is the advertiser's table alone) and h4 on
    // Monday, h2 on Tuesday.
    assertEquals(List.of("[" + monday + ", 2, 2]", "[" + tuesday + ", 1, 1]"), rows);
  }

  @Test
  void operatorOutsideThePrivatePlanContract_isRefused() {
    RelBuilder builder =
        RelBuilder.create(
            Frameworks.newConfigBuilder().defaultSchema(TestCatalog.schema()).build());
    builder.scan("retailer", "customers").sort(0);
    PolicyException e = assertThrows(PolicyException.class, () -> engine.execute(builder.build()));
    assertEquals(PolicyErrorCode.EXECUTION_FAILED, e.code());
  }
}
