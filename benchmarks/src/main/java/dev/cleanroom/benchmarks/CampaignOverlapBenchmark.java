package dev.cleanroom.benchmarks;

import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.SecureNoiseSource;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.Pipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;

/**
 * Times, in one JVM on the same Arrow data: (a) DuckDB running the plain query, (b) the vectorized
 * executor running the same plain plan, (c) the private query through the real pipeline (analysis
 * and rewrite, the executor, the release), and, unless {@code -Dbench.spark=false}, (d) the same
 * private query with the plan run by the Spark engine on a local Spark Connect server ({@code
 * local[2]}, its own JVM) over the tables written as encrypted Parquet, and, unless {@code
 * -Dbench.duckdb.alone=false}, (e) DuckDB alone in a JVM of its own over the same data, running the
 * plain SQL and our private plan unparsed to SQL ({@link DuckDbProcess}); the last line then
 * compares with DuckDB alone. Arguments: customers impressions [iterations] [warm-ups] [purchases,
 * default half the impressions].
 */
public final class CampaignOverlapBenchmark {
  private static final int THREADS = 2;

  /** Planning is also timed on its own, this many times in a row, with no execution between. */
  private static final int PLANNING_RUNS = 50;

  private CampaignOverlapBenchmark() {}

  public static void main(String[] args) throws Exception {
    int customerCount = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int impressionCount = args.length > 1 ? Integer.parseInt(args[1]) : 5_000_000;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int warmUps = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int purchaseCount = args.length > 4 ? Integer.parseInt(args[4]) : impressionCount / 2;
    System.out.printf(
        Locale.ROOT,
        "campaign-overlap benchmark: %d customers x %d impressions (%d purchases), %d threads, %d"
            + " warm-ups, %d iterations, %d processors%n",
        customerCount,
        impressionCount,
        purchaseCount,
        THREADS,
        warmUps,
        iterations,
        Runtime.getRuntime().availableProcessors());

    try (BufferAllocator allocator = new RootAllocator()) {
      long start = System.nanoTime();
      DemoDataGenerator generator =
          new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, Fingerprints::of);
      DemoDataGenerator.Customers customers = generator.customers(customerCount);
      DemoDataGenerator.Impressions impressions = generator.impressions(customers, impressionCount);
      DemoDataGenerator.Purchases purchases =
          generator.purchases(customers, impressions, purchaseCount);
      System.out.printf(Locale.ROOT, "generated in %.1f s%n", seconds(start));
      start = System.nanoTime();
      InMemoryTable customerTable = DemoArrowLoader.customers(customers, allocator);
      InMemoryTable impressionTable = DemoArrowLoader.impressions(impressions, allocator);
      InMemoryTable purchaseTable = DemoArrowLoader.purchases(purchases, allocator);
      customers = null;
      impressions = null;
      purchases = null;
      System.out.printf(Locale.ROOT, "loaded into Arrow in %.1f s%n", seconds(start));

      // DuckDB alone, in a JVM of its own, reads the same data from Parquet written now (before
      // the in-JVM DuckDB and the executor's encodings take their memory).
      DuckDbProcess alone = null;
      if (Boolean.parseBoolean(System.getProperty("bench.duckdb.alone", "true"))) {
        start = System.nanoTime();
        alone =
            DuckDbProcess.writeTables(
                Path.of(System.getProperty("bench.duckdb.dir", "target/bench-duckdb")),
                Map.of(
                    "retailer.customers", customerTable,
                    "advertiser.impressions", impressionTable,
                    "retailer.purchases", purchaseTable),
                allocator,
                System.getProperty("bench.duckdb.memory", "6GB"));
        System.out.printf(
            Locale.ROOT,
            "wrote the tables as Parquet for DuckDB alone in %.1f s%n",
            seconds(start));
      }

      // -Dbench.duckdb=false leaves DuckDB out (its ratios print as NaN): at 5M x 25M the JVM,
      // DuckDB's copy of the tables and a Spark server do not fit the 24 GiB machine together.
      boolean withDuckDb = Boolean.parseBoolean(System.getProperty("bench.duckdb", "true"));
      try (DuckDbEngine duckDb =
          withDuckDb
              ? new DuckDbEngine(THREADS, System.getProperty("bench.duckdb.memory", "6GB"))
              : null) {
        if (duckDb != null) {
          start = System.nanoTime();
          duckDb.load("retailer.customers", customerTable, allocator);
          duckDb.load("advertiser.impressions", impressionTable, allocator);
          duckDb.load("retailer.purchases", purchaseTable, allocator);
          System.out.printf(
              Locale.ROOT, "DuckDB loaded the Arrow streams in %.1f s%n", seconds(start));
        }

        SchemaPlus root = Frameworks.createRootSchema(true);
        SchemaPlus retailer = root.add("retailer", new AbstractSchema());
        retailer.add("customers", customerTable);
        retailer.add("purchases", purchaseTable);
        root.add("advertiser", new AbstractSchema()).add("impressions", impressionTable);
        Map<TableName, InMemoryTable> tables =
            Map.of(
                new TableName("retailer", "customers"), customerTable,
                new TableName("advertiser", "impressions"), impressionTable,
                new TableName("retailer", "purchases"), purchaseTable);
        // Wired as the server wires it.
        VectorizedExecutor executor = new VectorizedExecutor(allocator);
        start = System.nanoTime();
        // The columns an analyst may use; the raw e-mail (PII) is never read by a query.
        executor.prepare(customerTable, Set.of("email_hash", "zip", "age_band", "loyalty_tier"));
        executor.prepare(impressionTable, Set.of("email_hash", "campaign_id"));
        executor.prepare(purchaseTable, Set.of("category", "channel"));
        System.out.printf(
            Locale.ROOT,
            "executor dictionary-encoded the string columns in %.1f s (once per loaded table)%n",
            seconds(start));
        SparkColumn spark = null;
        if (Boolean.parseBoolean(System.getProperty("bench.spark", "true"))) {
          start = System.nanoTime();
          spark =
              SparkColumn.start(
                  tables,
                  Path.of(
                      System.getProperty(
                          "bench.spark.jars", "../spark-runtime/target/spark-runtime/jars")),
                  Path.of(System.getProperty("bench.spark.work", "target/bench-spark")),
                  System.getProperty("bench.spark.memory", "4g"));
          System.out.printf(
              Locale.ROOT,
              "wrote the tables as encrypted Parquet and started Spark (local[2]) in %.1f s%n",
              seconds(start));
        }
        try {
          Runner runner = new Runner(duckDb, root, tables, executor, spark, warmUps, iterations);

          // Each query's line is printed as soon as it is measured, so a later query running out
          // of memory (Q3's plain plan at 5M x 25M needs more than 9g of heap) loses nothing.
          Result join =
              runner.run("Q1 join", BenchmarkQueries.Q1_SQL, BenchmarkQueries::plainJoinPlan);
          join.print();
          if (alone != null) {
            alone.add("q1-plain", BenchmarkQueries.Q1_SQL);
            alone.add("q1-private", runner.privatePlanSql(BenchmarkQueries.Q1_SQL));
            alone.add("q2-plain", BenchmarkQueries.Q2_SQL);
            alone.add("q2-private", runner.privatePlanSql(BenchmarkQueries.Q2_SQL));
          }
          Result scan =
              runner.run(
                  "Q2 scan-aggregate",
                  BenchmarkQueries.Q2_SQL,
                  BenchmarkQueries::plainSingleTablePlan);
          scan.print();
          Result conversions = null;
          try {
            conversions =
                runner.run(
                    "Q3 conversions",
                    BenchmarkQueries.Q3_SQL,
                    BenchmarkQueries::plainConversionsPlan);
            conversions.print();
          } catch (ExecutionException e) {
            // The plain three-table plan needs more than an 11g heap at 5M x 25M.
            System.out.println("Q3 conversions: not measured at this scale: " + e.getMessage());
          }
          if (spark != null) {
            System.out.printf(
                Locale.ROOT,
                "spark private/duckdb: join=%.2f scan=%.2f conversions=%.2f%n",
                join.sparkSeconds() / join.duckDbSeconds(),
                scan.sparkSeconds() / scan.duckDbSeconds(),
                conversions == null
                    ? Double.NaN
                    : conversions.sparkSeconds() / conversions.duckDbSeconds());
          }
          Map<String, Double> aloneSeconds = Map.of();
          if (alone != null) {
            // DuckDB in this JVM is done: its copy of the tables is freed before DuckDB alone
            // loads its own (at 5M x 25M both, beside a pre-touched heap, do not fit 24 GiB).
            if (duckDb != null) {
              duckDb.close();
            }
            if (conversions != null) {
              alone.add("q3-plain", BenchmarkQueries.Q3_SQL);
              alone.add("q3-private", runner.privatePlanSql(BenchmarkQueries.Q3_SQL));
            }
            aloneSeconds =
                alone.run(
                    THREADS, System.getProperty("bench.duckdb.memory", "6GB"), warmUps, iterations);
            printAgainstAlone(join, "q1", aloneSeconds);
            printAgainstAlone(scan, "q2", aloneSeconds);
            if (conversions != null) {
              printAgainstAlone(conversions, "q3", aloneSeconds);
            }
          }
          if (conversions != null) {
            System.out.printf(
                Locale.ROOT,
                "conversions private/duckdb=%.2f plain/duckdb=%.2f%n",
                conversions.privateSeconds() / conversions.duckDbSeconds(),
                conversions.plainSeconds() / conversions.duckDbSeconds());
          }
          // The last line: against DuckDB alone in its own JVM when it ran, else the in-JVM one.
          double duckDbJoin = aloneSeconds.getOrDefault("q1-plain", join.duckDbSeconds());
          System.out.printf(
              Locale.ROOT,
              "join private/duckdb=%.2f plain/duckdb=%.2f rows=%dx%d (DuckDB %s)%n",
              join.privateSeconds() / duckDbJoin,
              join.plainSeconds() / duckDbJoin,
              customerCount,
              impressionCount,
              aloneSeconds.containsKey("q1-plain") ? "alone, own JVM" : "in this JVM");
        } finally {
          if (spark != null) {
            spark.close();
          }
        }
      } finally {
        customerTable.close();
        impressionTable.close();
        purchaseTable.close();
      }
    }
  }

  /**
   * One query against DuckDB alone: its plain time, and its time running our private plan, beside
   * ours (the executor's private query, planning and release included).
   */
  private static void printAgainstAlone(Result ours, String key, Map<String, Double> alone) {
    double plain = alone.get(key + "-plain");
    double privatePlan = alone.get(key + "-private");
    System.out.printf(
        Locale.ROOT,
        "%s against DuckDB alone (own JVM): duckdb %.3f s, duckdb running our private plan %.3f s"
            + " | ours: plain %.3f s (plain/duckdb=%.2f), private %.3f s (private/duckdb=%.2f,"
            + " private/duckdb-private-plan=%.2f) | duckdb in our JVM %.3f s (in-JVM/alone=%.2f)%n",
        ours.name(),
        plain,
        privatePlan,
        ours.plainSeconds(),
        ours.plainSeconds() / plain,
        ours.privateSeconds(),
        ours.privateSeconds() / plain,
        ours.privateSeconds() / privatePlan,
        ours.duckDbSeconds(),
        ours.duckDbSeconds() / plain);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Medians of one query. */
  private record Result(
      String name,
      double duckDbSeconds,
      double plainSeconds,
      double privateSeconds,
      double planningMillis,
      double planningAloneP50Millis,
      double planningAloneP90Millis,
      double coldPlainSeconds,
      double sparkSeconds,
      double[] privateRuns,
      String check) {
    void print() {
      System.out.printf(
          Locale.ROOT,
          "%s: duckdb %.3f s | plain %.3f s (plain/duckdb=%.2f; first run %.3f s) | private %.3f s"
              + " (private/duckdb=%.2f; of which planning %.2f ms) | spark private %s |"
              + " planning alone, %d in a row: p50 %.2f ms, p90 %.2f ms | %s%n",
          name,
          duckDbSeconds,
          plainSeconds,
          plainSeconds / duckDbSeconds,
          coldPlainSeconds,
          privateSeconds,
          privateSeconds / duckDbSeconds,
          planningMillis,
          Double.isNaN(sparkSeconds)
              ? "off"
              : String.format(
                  Locale.ROOT,
                  "%.3f s (spark/duckdb=%.2f)",
                  sparkSeconds,
                  sparkSeconds / duckDbSeconds),
          PLANNING_RUNS,
          planningAloneP50Millis,
          planningAloneP90Millis,
          check);
      StringBuilder runs = new StringBuilder();
      for (double run : privateRuns) {
        runs.append(String.format(Locale.ROOT, " %.3f", run));
      }
      System.out.printf(Locale.ROOT, "%s: private, each iteration (s):%s%n", name, runs);
    }
  }

  private static final class Runner {
    private final DuckDbEngine duckDb;
    private final SchemaPlus root;
    private final Map<TableName, InMemoryTable> tables;
    private final Pipeline pipeline;
    private final NoiseSource noise = SecureNoiseSource.create();
    private final int warmUps;
    private final int iterations;
    private final VectorizedExecutor executor;
    private final SparkColumn spark;
    private final ExecutionLimits limits = new ExecutionLimits(64L << 30, THREADS);

    Runner(
        DuckDbEngine duckDb,
        SchemaPlus root,
        Map<TableName, InMemoryTable> tables,
        VectorizedExecutor executor,
        SparkColumn spark,
        int warmUps,
        int iterations) {
      this.duckDb = duckDb;
      this.executor = executor;
      this.spark = spark;
      this.root = root;
      this.tables = tables;
      this.pipeline = PolicyPipeline.demo(root, limits);
      this.warmUps = warmUps;
      this.iterations = iterations;
    }

    /** Our private plan of {@code sql}, unparsed for DuckDB. */
    String privatePlanSql(String sql) {
      return DuckDbProcess.unparse(pipeline.accepted(sql).plan());
    }

    private RelBuilder builder() {
      return RelBuilder.create(Frameworks.newConfigBuilder().defaultSchema(root).build());
    }

    /**
     * Times the three engines in turn within each iteration, so that load from other processes on
     * the machine falls on all three alike.
     */
    Result run(String name, String sql, Function<RelBuilder, RelNode> plainPlan) throws Exception {
      RelNode plain = plainPlan.apply(builder());
      List<Object[]> duckDbRows = null;
      List<Object[]> plainRows = null;
      List<Object[]> privateRows = null;
      double[] duckDbTimes = new double[iterations];
      double[] plainTimes = new double[iterations];
      double[] privateTimes = new double[iterations];
      double[] planningTimes = new double[iterations];
      double[] sparkTimes = new double[iterations];
      double coldPlain = 0;
      for (int i = -warmUps; i < iterations; i++) {
        long start = System.nanoTime();
        if (duckDb != null) {
          duckDbRows = duckDb.query(sql);
          record(duckDbTimes, i, start);
        }

        start = System.nanoTime();
        plainRows = executor.execute(plain, tables, limits);
        if (i == -warmUps) {
          coldPlain = seconds(start);
        }
        record(plainTimes, i, start);

        start = System.nanoTime();
        PrivateQuery query = pipeline.accepted(sql);
        if (i == -warmUps && Boolean.getBoolean("bench.explain")) {
          System.out.println(name + " private plan:\n" + RelOptUtil.toString(query.plan()));
        }
        if (i >= 0) {
          planningTimes[i] = (System.nanoTime() - start) / 1e6;
        }
        privateRows = pipeline.release(query, executor, tables, noise).rows();
        record(privateTimes, i, start);

        if (spark != null) {
          start = System.nanoTime();
          PrivateQuery onSpark = pipeline.accepted(sql);
          pipeline.release(onSpark, spark.engine(), spark.tables(), noise);
          record(sparkTimes, i, start);
        }
      }
      String check =
          (duckDb == null ? "DuckDB left out" : compare(duckDbRows, plainRows))
              + ", private groups "
              + privateRows.size();
      if (spark != null) {
        PrivateQuery query = pipeline.accepted(sql);
        check +=
            ", "
                + sameRows(
                    executor.execute(query.plan(), tables, limits),
                    spark.engine().execute(query.plan(), spark.tables(), limits));
      }
      // Inside an iteration, planning follows an execution whose garbage the collector may be
      // clearing; in a row it shows what analysis and rewrite cost with warm caches.
      double[] planningAlone = new double[PLANNING_RUNS];
      for (int run = 0; run < PLANNING_RUNS; run++) {
        long start = System.nanoTime();
        pipeline.accepted(sql);
        planningAlone[run] = (System.nanoTime() - start) / 1e6;
      }
      return new Result(
          name,
          duckDb == null ? Double.NaN : median(duckDbTimes),
          median(plainTimes),
          median(privateTimes),
          median(planningTimes),
          median(planningAlone),
          percentile(planningAlone, 0.9),
          coldPlain,
          spark == null ? Double.NaN : median(sparkTimes),
          privateTimes,
          check);
    }

    private static void record(double[] times, int iteration, long startNanos) {
      if (iteration >= 0) {
        times[iteration] = seconds(startNanos);
      }
    }
  }

  /** Whether Spark's exact rows of the private plan are the executor's, as multisets. */
  static String sameRows(List<Object[]> executorRows, List<Object[]> sparkRows) {
    Map<List<Object>, Integer> counts = new HashMap<>();
    for (Object[] row : executorRows) {
      counts.merge(Arrays.asList(row), 1, Integer::sum);
    }
    for (Object[] row : sparkRows) {
      counts.merge(Arrays.asList(row), -1, Integer::sum);
    }
    List<String> differences = new ArrayList<>();
    counts.forEach(
        (row, count) -> {
          if (!Objects.equals(count, 0)) {
            differences.add((count > 0 ? "executor only " : "spark only ") + describe(row));
          }
        });
    return differences.isEmpty()
        ? "spark's exact rows equal the executor's (" + sparkRows.size() + ")"
        : "SPARK MISMATCH: "
            + executorRows.size()
            + " rows of the executor, "
            + sparkRows.size()
            + " of Spark; "
            + differences.size()
            + " differ, e.g. "
            + differences.subList(0, Math.min(4, differences.size()));
  }

  /** A generated row with each value's Java type, so that Long 5 and Integer 5 tell apart. */
  private static String describe(List<Object> row) {
    List<String> cells = new ArrayList<>();
    for (Object value : row) {
      cells.add(value == null ? "null" : value + ":" + value.getClass().getSimpleName());
    }
    return cells.toString();
  }

  /** Same groups and counts; sums equal up to the order doubles were added in. */
  static String compare(List<Object[]> duckDbRows, List<Object[]> ourRows) {
    Map<List<Object>, Object[]> byKey = new HashMap<>();
    int keyWidth = duckDbRows.isEmpty() ? 0 : duckDbRows.get(0).length == 5 ? 2 : 1;
    for (Object[] row : ourRows) {
      byKey.put(Arrays.asList(row).subList(0, keyWidth), row);
    }
    if (byKey.size() != duckDbRows.size()) {
      return "MISMATCH: " + duckDbRows.size() + " DuckDB groups, " + byKey.size() + " ours";
    }
    List<String> problems = new ArrayList<>();
    for (Object[] expected : duckDbRows) {
      Object[] actual = byKey.get(Arrays.asList(expected).subList(0, keyWidth));
      if (actual == null) {
        problems.add("missing group");
        continue;
      }
      for (int c = keyWidth; c < expected.length; c++) {
        double e = ((Number) expected[c]).doubleValue();
        double a = ((Number) actual[c]).doubleValue();
        if (Math.abs(e - a) > 1e-9 * Math.max(1, Math.abs(e))) {
          problems.add("column " + c + " differs");
        }
      }
    }
    return problems.isEmpty()
        ? "plain results equal DuckDB's (" + duckDbRows.size() + " groups)"
        : "MISMATCH: " + problems.size() + " differences, first " + problems.get(0);
  }

  private static double percentile(double[] values, double fraction) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
