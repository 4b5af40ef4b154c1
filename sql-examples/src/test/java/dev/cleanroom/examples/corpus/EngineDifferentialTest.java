package dev.cleanroom.examples.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.examples.demo.DemoCsv;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.Pipeline;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the private plan of every accepted example on Calcite's enumerable engine (the reference)
 * and on the vectorized executor, both through the engine interface over the same bound tables, and
 * requires the same rows in any order, each value equal in type and value. Each case is analysed
 * once. Three datasets: the hand-checked fixtures, the seeded demo data at a size that spans many
 * batches and the executor's parallel paths, and the demo data with planted rows.
 *
 * <p>The data's doubles are multiples of 1/1024 (the demo generator's cents are rounded to that
 * grid here), so plain sums are exact in any order; a plan that divides (e.g. {@code cost / 100})
 * leaves that grid, so doubles are compared to 12 significant digits. Every plan is run exactly as
 * the rewrite made it; any executor refusal or difference fails the test.
 */
class EngineDifferentialTest {
  private static final ContributionKey KEY =
      ContributionKey.of("engine-diff-key!".getBytes(StandardCharsets.US_ASCII));
  private static final TableName CUSTOMERS = FixtureCatalog.CUSTOMERS;
  private static final TableName IMPRESSIONS = FixtureCatalog.IMPRESSIONS;
  private static final TableName PURCHASES = FixtureCatalog.PURCHASES;
  private static final int DEMO_CUSTOMERS = 2_000;
  private static final int DEMO_IMPRESSIONS = 20_000;
  private static final int DEMO_PURCHASES = 10_000;
  private static final int PLANTED_ROWS = 6_000;

  private static final ExecutionLimits LIMITS = new ExecutionLimits(256L << 20, 2);

  @RegisterExtension static final TestAllocator MEMORY = new TestAllocator();

  /** The tables of each dataset, by name; every dataset has the fixtures' columns. */
  private static Map<String, Map<TableName, InMemoryTable>> datasets;

  private static Pipeline pipeline;
  private static Engine reference;
  private static Engine executor;
  private static Map<String, Set<String>> demoCampaignsPerUnit;

  /** Each accepted case's private query, analysed once for every dataset and both engines. */
  private static final Map<String, PrivateQuery> PRIVATE_QUERIES = new ConcurrentHashMap<>();

  @BeforeAll
  static void load() {
    BufferAllocator allocator = MEMORY.allocator();
    datasets = new HashMap<>();
    // Five-row batches: even the tiny fixtures cross batch boundaries.
    datasets.put("fixtures", FixtureCatalog.tables(5, allocator));
    datasets.put("demo", demo(0, allocator));
    datasets.put("planted", demo(PLANTED_ROWS, allocator));
    // Analysis reads no data: the fixtures' catalog serves every dataset.
    pipeline =
        new Pipeline(
            new AnalysisContext(
                FixtureCatalog.catalog(datasets.get("fixtures")),
                FixtureCatalog.policies(),
                "advertiser",
                KEY,
                FixtureCatalog.PURPOSE),
            LIMITS);
    reference = new ReferenceEngine(allocator);
    // As the server wires it: the contribution order computed by the executor itself.
    executor = new VectorizedExecutor(allocator);
  }

  @AfterAll
  static void close() {
    datasets.values().forEach(tables -> tables.values().forEach(InMemoryTable::close));
  }

  static Stream<Arguments> acceptedCases() throws IOException, URISyntaxException {
    List<ExampleCase> accepted =
        ExampleCorpusTest.cases().filter(ExampleCase::expectsAcceptance).toList();
    List<Arguments> arguments = new ArrayList<>();
    for (String dataset : List.of("fixtures", "demo", "planted")) {
      for (ExampleCase example : accepted) {
        arguments.add(Arguments.of(dataset, example));
      }
    }
    return arguments.stream();
  }

  @Test
  void corpus_hasAcceptedCasesForTheComparison() throws IOException, URISyntaxException {
    assertTrue(acceptedCases().count() >= 2 * 30, "too few accepted example cases to compare");
  }

  @Test
  void demoDataset_isLargeEnoughForBatchesAndThreads() {
    assertEquals(DEMO_CUSTOMERS, datasets.get("demo").get(CUSTOMERS).rowCount());
    assertEquals(DEMO_IMPRESSIONS, datasets.get("demo").get(IMPRESSIONS).rowCount());
    assertEquals(DEMO_PURCHASES, datasets.get("demo").get(PURCHASES).rowCount());
  }

  /**
   * On the rewrite's own plan, both engines keep each unit in at most maxGroupsContributed (4)
   * groups: the distinct-unit counts of reach per campaign add up to the sum over units of min(4,
   * campaigns seen). The fixtures are too small to tell (no one sees more than 4 campaigns). A
   * ROW_NUMBER over RelBuilder's default frame (RANGE over the whole partition) numbers every row 1
   * on Calcite's engine and once left units unbounded: this guards the rewrite's ROWS frame.
   */
  @Test
  void demoReachPerCampaign_eachUnitCountsInAtMostFourCampaigns() {
    PrivateQuery query =
        pipeline.accepted(
            "SELECT campaign_id, COUNT(DISTINCT email_hash) FROM advertiser.impressions"
                + " GROUP BY campaign_id");
    Map<TableName, InMemoryTable> demo = datasets.get("demo");
    long bounded = demoDistinctUnitTotal(4);
    assertTrue(bounded < demoDistinctUnitTotal(Integer.MAX_VALUE), "some units see > 4 campaigns");
    assertEquals(
        bounded, distinctUnitTotal(pipeline.exactRows(query, reference, demo)), "reference engine");
    assertEquals(bounded, distinctUnitTotal(pipeline.exactRows(query, executor, demo)), "executor");
  }

  /** The sum over demo units of min(groupsPerUnit, campaigns the unit saw). */
  private static long demoDistinctUnitTotal(int groupsPerUnit) {
    long total = 0;
    for (Set<String> campaigns : demoCampaignsPerUnit.values()) {
      total += Math.min(groupsPerUnit, campaigns.size());
    }
    return total;
  }

  private static long distinctUnitTotal(List<Object[]> rows) {
    long total = 0;
    for (Object[] row : rows) {
      total += ((Number) row[row.length - 1]).longValue();
    }
    return total;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("acceptedCases")
  void acceptedCase_executorReturnsTheReferenceRows(String dataset, ExampleCase example) {
    PrivateQuery query =
        PRIVATE_QUERIES.computeIfAbsent(
            example.name(), name -> pipeline.forAnalyst(example.analyst()).accepted(example.sql()));
    Map<TableName, InMemoryTable> tables = datasets.get(dataset);
    List<Object[]> referenceRows = pipeline.exactRows(query, reference, tables);
    if (dataset.equals("fixtures") && example.rows() != null) {
      // Ingested through the connectors in small batches, the fixtures give the hand-checked rows.
      assertEquals(
          example.rows().stream().sorted().toList(),
          query.releaseSpec().plainRows(referenceRows).stream()
              .map(EngineDifferentialTest::asCaseRow)
              .sorted()
              .toList(),
          () -> example.name() + ": reference rows over the fixtures in five-row batches");
    }
    List<String> expected = canonical(referenceRows);
    List<String> actual;
    try {
      actual = canonical(pipeline.exactRows(query, executor, tables));
    } catch (ExecutionException e) {
      throw new AssertionError(
          example.name() + ": executor failed with " + e.code() + "\nplan:\n" + query.planText(),
          e);
    }
    assertEquals(
        expected, actual, () -> example.name() + " on " + dataset + "\n" + query.planText());
  }

  /** A row as the case files write it: values {@code |}-separated, {@code NULL} for null. */
  private static String asCaseRow(Object[] row) {
    List<String> values = new ArrayList<>(row.length);
    for (Object value : row) {
      values.add(value == null ? "NULL" : value.toString());
    }
    return String.join(" | ", values);
  }

  /** Each row as text, values with their Java type, sorted: the comparison ignores row order. */
  static List<String> canonical(List<Object[]> rows) {
    return rows.stream()
        .map(
            row -> {
              List<String> values = new ArrayList<>(row.length);
              for (Object value : row) {
                values.add(
                    value == null ? "NULL" : value.getClass().getSimpleName() + " " + text(value));
              }
              return String.join(" | ", values);
            })
        .sorted()
        .collect(Collectors.toList());
  }

  /**
   * Doubles to 12 significant digits: sums of values that are not multiples of a power of two (e.g.
   * {@code cost / 100}) depend on the order of addition in their last bits, and the engines add in
   * different orders. Every other type compares exactly.
   */
  private static String text(Object value) {
    if (value instanceof Double d && Double.isFinite(d)) {
      return new java.math.BigDecimal(d).round(new java.math.MathContext(12)).toString();
    }
    return value.toString();
  }

  /**
   * The demo data, plus {@code plantedRows} impressions under one customer's fingerprint and as
   * many under a fingerprint no customer has, as an analyst who uploads its own table can plant
   * them: far more than a policy's rows per join key, so the cap before the join decides.
   */
  static Map<TableName, InMemoryTable> demo(int plantedRows, BufferAllocator allocator) {
    // Any deterministic fingerprint joins the two tables the same way in both engines.
    DemoDataGenerator generator =
        new DemoDataGenerator(
            DemoDataGenerator.DEFAULT_SEED, email -> "fp" + Integer.toHexString(email.hashCode()));
    DemoDataGenerator.Customers customers = generator.customers(DEMO_CUSTOMERS);
    DemoDataGenerator.Impressions impressions = generator.impressions(customers, DEMO_IMPRESSIONS);
    demoCampaignsPerUnit = new HashMap<>();
    for (int i = 0; i < impressions.size(); i++) {
      demoCampaignsPerUnit
          .computeIfAbsent(impressions.emailHash()[i], unit -> new HashSet<>())
          .add(impressions.campaignId()[i]);
    }
    roundToGrid(customers.lifetimeSpend());
    roundToGrid(impressions.cost());
    DemoDataGenerator.Purchases purchases =
        generator.purchases(customers, impressions, DEMO_PURCHASES);
    roundToGrid(purchases.amount());
    StringWriter customersCsv = new StringWriter();
    StringWriter impressionsCsv = new StringWriter();
    StringWriter purchasesCsv = new StringWriter();
    try {
      DemoCsv.writeCustomers(customers, customersCsv);
      DemoCsv.writeImpressions(impressions, impressionsCsv);
      DemoCsv.writePurchases(purchases, purchasesCsv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String present = impressions.emailHash()[0];
    for (int i = 0; i < plantedRows; i++) {
      String fingerprint = i % 2 == 0 ? present : "fp-nobody";
      impressionsCsv.write(
          (10_000_000 + i)
              + ","
              + fingerprint
              + ",c"
              + (i % 7)
              + ",2026-02-0"
              + (1 + i % 9)
              + " 10:00:00,"
              + (i % 3 == 0)
              + ","
              + (i % 50)
              + ".5\n");
    }
    Map<TableName, InMemoryTable> tables = new HashMap<>();
    tables.put(
        CUSTOMERS,
        InMemoryTable.ingested(
            FixtureCatalog.columns(CUSTOMERS), customersCsv.toString(), 1024, allocator));
    tables.put(
        IMPRESSIONS,
        InMemoryTable.ingested(
            FixtureCatalog.columns(IMPRESSIONS), impressionsCsv.toString(), 4096, allocator));
    tables.put(
        PURCHASES,
        InMemoryTable.ingested(
            FixtureCatalog.columns(PURCHASES), purchasesCsv.toString(), 2048, allocator));
    return tables;
  }

  /** Rounds to a multiple of 1/1024, so every sum of these values is exact in a double. */
  private static void roundToGrid(double[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.round(values[i] * 1024) / 1024.0;
    }
  }
}
