package dev.cleanroom.benchmarks;

import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.SecureNoiseSource;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.Pipeline;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.tools.Frameworks;

/**
 * Where the time of Q2's private query goes, for a profiler: the customers alone, Q2 run many times
 * with its time split into planning (analysis and rewrite), execution of the private plan and the
 * release. Arguments: customers [iterations, default 200]. Not part of the benchmark's figures.
 */
public final class SingleTableProfile {
  private static final int THREADS = 2;

  private SingleTableProfile() {}

  public static void main(String[] args) {
    int customerCount = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    try (BufferAllocator allocator = new RootAllocator()) {
      DemoDataGenerator generator =
          new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, Fingerprints::of);
      InMemoryTable customers =
          DemoArrowLoader.customers(generator.customers(customerCount), allocator);
      SchemaPlus root = Frameworks.createRootSchema(true);
      root.add("retailer", new AbstractSchema()).add("customers", customers);
      Map<TableName, InMemoryTable> tables =
          Map.of(new TableName("retailer", "customers"), customers);
      VectorizedExecutor executor = new VectorizedExecutor(allocator);
      executor.prepare(customers, Set.of("email_hash", "zip", "age_band", "loyalty_tier"));
      ExecutionLimits limits = new ExecutionLimits(64L << 30, THREADS);
      Pipeline pipeline = PolicyPipeline.demo(root, limits);
      NoiseSource noise = SecureNoiseSource.create();
      double[] planning = new double[iterations];
      double[] execution = new double[iterations];
      double[] release = new double[iterations];
      for (int i = 0; i < iterations; i++) {
        long start = System.nanoTime();
        PrivateQuery query = pipeline.accepted(BenchmarkQueries.Q2_SQL);
        long planned = System.nanoTime();
        List<Object[]> rows = executor.execute(query.plan(), tables, limits);
        long executed = System.nanoTime();
        dev.cleanroom.querypolicy.release.Releaser.release(query.releaseSpec(), rows, noise);
        long released = System.nanoTime();
        planning[i] = (planned - start) / 1e6;
        execution[i] = (executed - planned) / 1e6;
        release[i] = (released - executed) / 1e6;
      }
      System.out.printf(
          Locale.ROOT,
          "Q2 private over %d customers, medians of %d: planning %.2f ms, execution %.2f ms,"
              + " release %.2f ms%n",
          customerCount,
          iterations,
          median(planning),
          median(execution),
          median(release));
      customers.close();
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
