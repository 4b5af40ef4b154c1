package dev.cleanroom.examples.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.Pipeline;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one-row-per-person path against the general one: every accepted example is rewritten under
 * the demo policies (whose customers declare one row per person) and again with that declaration
 * withdrawn. A query of the customers alone takes the short path (no per-person aggregate, no
 * ranking); a join with the customers does not cap their rows per person before the join (each
 * person has one). On data that keeps the declaration, both plans must give the same exact rows,
 * value for value, on both engines. A query that does not read the customers must get the very same
 * plan either way.
 */
class OneRowPerUnitPathTest {
  private static final ContributionKey KEY =
      ContributionKey.of("one-row-per-unit".getBytes(StandardCharsets.US_ASCII));
  private static final TableName CUSTOMERS = FixtureCatalog.CUSTOMERS;
  private static final ExecutionLimits LIMITS = new ExecutionLimits(256L << 20, 2);

  @RegisterExtension static final TestAllocator MEMORY = new TestAllocator();

  private static Map<String, Map<TableName, InMemoryTable>> datasets;
  private static Pipeline declared;
  private static Pipeline general;
  private static Engine reference;
  private static Engine executor;

  @BeforeAll
  static void load() {
    BufferAllocator allocator = MEMORY.allocator();
    datasets = new HashMap<>();
    datasets.put("fixtures", FixtureCatalog.tables(5, allocator));
    datasets.put("demo", EngineDifferentialTest.demo(0, allocator));
    Map<TableName, DatasetPolicy> policies = FixtureCatalog.policies();
    assertTrue(policies.get(CUSTOMERS).oneRowPerUnit(), "the demo customers declare one row");
    Map<TableName, DatasetPolicy> withdrawn = new HashMap<>(policies);
    withdrawn.put(CUSTOMERS, withoutDeclaration(policies.get(CUSTOMERS)));
    declared = pipeline(policies);
    general = pipeline(withdrawn);
    reference = new ReferenceEngine(allocator);
    executor = new VectorizedExecutor(allocator);
  }

  @AfterAll
  static void close() {
    datasets.values().forEach(tables -> tables.values().forEach(InMemoryTable::close));
  }

  private static Pipeline pipeline(Map<TableName, DatasetPolicy> policies) {
    return new Pipeline(
        new AnalysisContext(
            FixtureCatalog.catalog(datasets.get("fixtures")),
            policies,
            "advertiser",
            KEY,
            FixtureCatalog.PURPOSE),
        LIMITS);
  }

  private static DatasetPolicy withoutDeclaration(DatasetPolicy policy) {
    return new DatasetPolicy(
        policy.table(),
        policy.columns(),
        policy.allowedJoins(),
        policy.minimumDistinctUnits(),
        policy.privacy(),
        policy.allowedAnalysts(),
        policy.templatesOnly(),
        policy.sensitiveSegments(),
        false);
  }

  static Stream<Arguments> acceptedCases() throws IOException, URISyntaxException {
    List<Arguments> arguments = new ArrayList<>();
    for (ExampleCase example :
        ExampleCorpusTest.cases().filter(ExampleCase::expectsAcceptance).toList()) {
      arguments.add(Arguments.of(example));
    }
    return arguments.stream();
  }

  /** Without this, the comparison below could pass by never taking the short paths. */
  @Test
  void corpus_hasShortPathsAndTheirPlansSkipThePerPersonSteps()
      throws IOException, URISyntaxException {
    int singleTable = 0;
    int joins = 0;
    for (ExampleCase example :
        ExampleCorpusTest.cases().filter(ExampleCase::expectsAcceptance).toList()) {
      PrivateQuery shortPath = declared.forAnalyst(example.analyst()).accepted(example.sql());
      PrivateQuery generalPath = general.forAnalyst(example.analyst()).accepted(example.sql());
      if (shortPath.planText().equals(generalPath.planText())) {
        continue;
      }
      if (shortPath.tablesRead().equals(List.of(CUSTOMERS))) {
        singleTable++;
        assertTrue(generalPath.planText().contains("ROW_NUMBER"), example.name());
        assertFalse(shortPath.planText().contains("ROW_NUMBER"), example.name());
        assertTrue(
            shortPath.explanation().contains("has at most one row in retailer.customers"),
            example.name());
      } else {
        joins++;
        assertTrue(shortPath.tablesRead().contains(CUSTOMERS), example.name());
        assertEquals(
            occurrences(generalPath.planText(), "join_key_rank") - 1,
            occurrences(shortPath.planText(), "join_key_rank"),
            example.name() + ": the customers' cap (their ranking) is left out");
        assertTrue(
            shortPath
                .explanation()
                .contains(
                    "at most 1 row(s) of retailer.customers per value of"
                        + " (retailer.customers.customer_id) take part: the table has one row per"
                        + " person"),
            example.name() + ": " + shortPath.explanation());
      }
    }
    assertTrue(singleTable >= 8, "only " + singleTable + " queries of one table were shortened");
    assertTrue(joins >= 8, "only " + joins + " joins were shortened");
  }

  private static int occurrences(String text, String word) {
    int count = 0;
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length())) {
      count++;
    }
    return count;
  }

  /** The comparison holds only on data that keeps the declaration: check that the data does. */
  @Test
  void customersOfEveryDataset_haveOneRowPerPerson() {
    for (Map<TableName, InMemoryTable> tables : datasets.values()) {
      InMemoryTable customers = tables.get(CUSTOMERS);
      int column = customers.columns().requireIndex("customer_id");
      Set<Long> seen = new HashSet<>();
      long rows = 0;
      for (VectorSchemaRoot batch : customers.batches()) {
        BigIntVector ids = (BigIntVector) batch.getVector(column);
        for (int i = 0; i < batch.getRowCount(); i++) {
          assertTrue(seen.add(ids.get(i)), "customer " + ids.get(i) + " repeats");
          rows++;
        }
      }
      assertTrue(rows >= 8, "too few customers: " + rows);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedCases")
  void acceptedCase_shortPathGivesTheGeneralPathsRows(ExampleCase example) {
    PrivateQuery shortPath = declared.forAnalyst(example.analyst()).accepted(example.sql());
    PrivateQuery generalPath = general.forAnalyst(example.analyst()).accepted(example.sql());
    boolean shortened = !shortPath.planText().equals(generalPath.planText());
    if (!shortPath.tablesRead().contains(CUSTOMERS)) {
      assertFalse(
          shortened,
          () -> example.name() + " does not read the customers: its plan must not change");
      return;
    }
    for (Map.Entry<String, Map<TableName, InMemoryTable>> dataset : datasets.entrySet()) {
      for (Engine engine : List.of(reference, executor)) {
        assertEquals(
            EngineDifferentialTest.canonical(
                general.exactRows(generalPath, engine, dataset.getValue())),
            EngineDifferentialTest.canonical(
                declared.exactRows(shortPath, engine, dataset.getValue())),
            () ->
                example.name()
                    + " on "
                    + dataset.getKey()
                    + "\nshort plan:\n"
                    + shortPath.planText()
                    + "\ngeneral plan:\n"
                    + generalPath.planText());
      }
    }
  }
}
