package dev.cleanroom.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.querypolicy.analysis.ViolationCode;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Queries of the demo catalog through the analysis, an engine and the plain reading of rows. */
class PipelineTest {
  private static final Map<String, Function<BufferAllocator, Engine>> ENGINES =
      Map.of("reference", ReferenceEngine::new, "vectorized", VectorizedExecutor::new);

  @RegisterExtension final TestAllocator memory = new TestAllocator();

  private final Pipeline pipeline = new Pipeline(TestCatalog.context());
  private final List<InMemoryTable> opened = new ArrayList<>();

  @AfterEach
  void closeTables() {
    opened.forEach(InMemoryTable::close);
  }

  /** Four customers and six impressions: two people consent, one of them spends 150 in c1. */
  private Map<TableName, InMemoryTable> smallTables() {
    List<Object[]> customers =
        List.of(
            new Object[] {1L, "a@example.com", "h1", "10001", "18-24", "gold", 100.0, false},
            new Object[] {2L, "b@example.com", "h2", "10001", "25-34", "silver", 20_000.0, false},
            new Object[] {3L, "c@example.com", "h3", "10002", "18-24", "gold", 50.0, true},
            new Object[] {4L, "d@example.com", "h4", "10002", "25-34", "bronze", 300.0, null});
    long monday = TestTables.MONDAY;
    long day = TestTables.DAY;
    List<Object[]> impressions =
        List.of(
            new Object[] {1L, "h1", "c1", monday, true, 2.0},
            new Object[] {2L, "h1", "c1", monday + day, false, 3.0},
            new Object[] {3L, "h2", "c1", monday + 8 * day, true, 150.0},
            new Object[] {4L, "h3", "c2", monday, true, 1.0},
            new Object[] {5L, "h2", "c2", monday + day, false, 4.0},
            new Object[] {6L, "h4", "c2", monday, true, 5.0});
    return Map.of(
        TestPolicies.CUSTOMERS, open(TestTables.customers(customers, memory.allocator())),
        TestPolicies.IMPRESSIONS, open(TestTables.impressions(impressions, memory.allocator())));
  }

  private InMemoryTable open(InMemoryTable table) {
    opened.add(table);
    return table;
  }

  @ParameterizedTest
  @ValueSource(strings = {"reference", "vectorized"})
  void spendByCampaignJoin_isAcceptedAndRunsExactly(String engine) {
    PrivateQuery query =
        pipeline.accepted(
            "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach, SUM(i.cost) AS spend"
                + " FROM advertiser.impressions i JOIN retailer.customers c"
                + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id");

    List<String> rows =
        pipeline
            .plainRows(query, ENGINES.get(engine).apply(memory.allocator()), smallTables())
            .stream()
            .map(Arrays::toString)
            .sorted()
            .toList();

    // Customers 3 (opted out) and 4 (consent unknown) are removed; customer 2's 150 in c1 clamps
    // to 100. Columns: campaign, plain spend, clamped row count, distinct units.
    assertEquals(List.of("[c1, 105.0, 2]", "[c2, 4.0, 1]"), rows);
  }

  @Test
  void unitInManyGroups_contributesToAtMostMaxGroups() {
    // One customer with ten impressions on ten different days: grouped by day, the customer
    // may appear in at most maxGroupsContributed (4) of the ten groups.
    List<Object[]> impressions = new ArrayList<>();
    for (int day = 0; day < 10; day++) {
      impressions.add(
          new Object[] {
            (long) day, "h1", "c1", TestTables.MONDAY + day * TestTables.DAY, true, 1.0
          });
    }
    PrivateQuery query =
        pipeline.accepted(
            "SELECT FLOOR(ts TO DAY) AS d, COUNT(*) AS n FROM advertiser.impressions"
                + " GROUP BY FLOOR(ts TO DAY)");

    List<Object[]> rows =
        pipeline.exactRows(
            query,
            new ReferenceEngine(memory.allocator()),
            Map.of(
                TestPolicies.IMPRESSIONS,
                open(TestTables.impressions(impressions, memory.allocator()))));

    assertEquals(4, rows.size());
    for (Object[] row : rows) {
      assertEquals(1L, row[1]);
      assertEquals(1L, row[2]);
      assertTrue(row[0] instanceof Long, "TIMESTAMP group keys are epoch millis");
    }
  }

  @Test
  void rejectedQuery_failsWithItsViolations() {
    AssertionError error =
        assertThrows(
            AssertionError.class,
            () ->
                pipeline.accepted("SELECT email, COUNT(*) FROM retailer.customers GROUP BY email"));

    assertTrue(
        error
            .getMessage()
            .startsWith("the query is rejected: [PII_REFERENCED retailer.customers.email at 1:8: "),
        error.getMessage());
  }

  @Test
  void otherAnalyst_isHeldToThePolicysAnalysts() {
    AnalysisResult result =
        pipeline
            .forAnalyst("retailer")
            .analyze(
                "SELECT campaign_id, COUNT(*) FROM advertiser.impressions GROUP BY campaign_id");

    Violation violation =
        assertInstanceOf(AnalysisResult.Rejected.class, result).violations().get(0);
    assertEquals(ViolationCode.ANALYST_NOT_ALLOWED, violation.code());
    assertEquals("advertiser.impressions", violation.column());
  }
}
