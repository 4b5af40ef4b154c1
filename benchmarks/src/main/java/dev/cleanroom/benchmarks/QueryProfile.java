package dev.cleanroom.benchmarks;

import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.SecureNoiseSource;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.Pipeline;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;

/**
 * Where the time of one private query goes, for a profiler: the query run many times over the demo
 * tables with its time split into planning (analysis and rewrite), execution of the private plan
 * and the release. Arguments: query (Q1, Q2 or Q3), customers, impressions [iterations, default
 * 200]. Not part of the benchmark's figures.
 */
public final class QueryProfile {
  private static final int THREADS = 2;

  private QueryProfile() {}

  public static void main(String[] args) {
    String queryName = args.length > 0 ? args[0].toUpperCase(Locale.ROOT) : "Q2";
    String sql =
        switch (queryName) {
          case "Q1" -> BenchmarkQueries.Q1_SQL;
          case "Q2" -> BenchmarkQueries.Q2_SQL;
          case "Q3" -> BenchmarkQueries.Q3_SQL;
          default -> throw new IllegalArgumentException("query must be Q1, Q2 or Q3");
        };
    int customerCount = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int impressionCount = args.length > 2 ? Integer.parseInt(args[2]) : 5 * customerCount;
    int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    try (BufferAllocator allocator = new RootAllocator()) {
      DemoDataGenerator generator =
          new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, Fingerprints::of);
      DemoDataGenerator.Customers customers = generator.customers(customerCount);
      DemoDataGenerator.Impressions impressions = generator.impressions(customers, impressionCount);
      DemoDataGenerator.Purchases purchases =
          generator.purchases(customers, impressions, impressionCount / 2);
      InMemoryTable customerTable = DemoArrowLoader.customers(customers, allocator);
      InMemoryTable impressionTable = DemoArrowLoader.impressions(impressions, allocator);
      InMemoryTable purchaseTable = DemoArrowLoader.purchases(purchases, allocator);
      customers = null;
      impressions = null;
      purchases = null;
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
      VectorizedExecutor executor = new VectorizedExecutor(allocator);
      executor.prepare(customerTable, Set.of("email_hash", "zip", "age_band", "loyalty_tier"));
      executor.prepare(impressionTable, Set.of("email_hash", "campaign_id"));
      executor.prepare(purchaseTable, Set.of("category", "channel"));
      ExecutionLimits limits = new ExecutionLimits(64L << 30, THREADS);
      Pipeline pipeline = PolicyPipeline.demo(root, limits);
      NoiseSource noise = SecureNoiseSource.create();
      System.out.println(RelOptUtil.toString(pipeline.accepted(sql).plan()));
      double[] planning = new double[iterations];
      double[] execution = new double[iterations];
      double[] release = new double[iterations];
      // The process's CPU time of each execution (all threads, the collector's too): less moved by
      // a neighbour's load on a shared machine than the elapsed time, so it compares two builds
      // run one after the other more steadily.
      double[] executionCpu = new double[iterations];
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      // -Dprofile.plainBefore=true runs Q1's plain plan before each private query, as the
      // benchmark's iterations do, to see what the one leaves the other (its garbage, the caches).
      RelNode plainBefore =
          Boolean.getBoolean("profile.plainBefore")
              ? BenchmarkQueries.plainJoinPlan(
                  RelBuilder.create(Frameworks.newConfigBuilder().defaultSchema(root).build()))
              : null;
      for (int i = 0; i < iterations; i++) {
        if (plainBefore != null) {
          executor.execute(plainBefore, tables, limits);
        }
        long start = System.nanoTime();
        PrivateQuery query = pipeline.accepted(sql);
        long planned = System.nanoTime();
        long cpuBefore = os.getProcessCpuTime();
        List<Object[]> rows = executor.execute(query.plan(), tables, limits);
        long executed = System.nanoTime();
        executionCpu[i] = (os.getProcessCpuTime() - cpuBefore) / 1e6;
        Releaser.release(query.releaseSpec(), rows, noise);
        long released = System.nanoTime();
        planning[i] = (planned - start) / 1e6;
        execution[i] = (executed - planned) / 1e6;
        release[i] = (released - executed) / 1e6;
      }
      System.out.printf(
          Locale.ROOT,
          "%s private over %d customers and %d impressions, medians of %d: planning %.2f ms,"
              + " execution %.2f ms (fastest %.2f, slowest %.2f), release %.2f ms%n",
          queryName,
          customerCount,
          impressionCount,
          iterations,
          median(planning),
          median(execution),
          Arrays.stream(execution).min().orElse(0),
          Arrays.stream(execution).max().orElse(0),
          median(release));
      StringBuilder each = new StringBuilder("execution of each run (ms):");
      for (double time : execution) {
        each.append(String.format(Locale.ROOT, " %.0f", time));
      }
      System.out.println(each);
      StringBuilder cpu =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "process CPU time of each execution (ms; median %.0f):",
                  median(executionCpu)));
      for (double time : executionCpu) {
        cpu.append(String.format(Locale.ROOT, " %.0f", time));
      }
      System.out.println(cpu);
      customerTable.close();
      impressionTable.close();
      purchaseTable.close();
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
