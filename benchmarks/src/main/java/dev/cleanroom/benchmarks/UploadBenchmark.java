package dev.cleanroom.benchmarks;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.connectors.storage.MasterKeyRing;
import dev.cleanroom.examples.demo.DemoCsv;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.querypolicy.policy.UploadChecks;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Upload time of the demo tables (CSV, as a provider uploads them) into the encrypted store, under
 * the checks the server applies with the demo policies in force ({@code UploadChecks}: units not
 * NULL, one row per customer, join keys in fingerprint form, finite metrics), with and without the
 * Parquet form: the median of {@code iterations} uploads after {@code warmUps}, in rows/s, CSV MB/s
 * and CSV MB per second of the process's CPU time (the upload runs on one thread, the collector and
 * compiler on others: this is the per-core figure), the bytes each form takes on disk, and DuckDB
 * reading the same CSV file into a table, on one thread and on all. Run: {@code java -cp
 * <benchmarks classpath> dev.cleanroom.benchmarks.UploadBenchmark [customers] [impressions]
 * [iterations] [warmUps]}.
 */
public final class UploadBenchmark {
  private UploadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int customerCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int impressionCount = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    int warmUps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    DemoDataGenerator generator =
        new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, Fingerprints::inServerForm);
    DemoDataGenerator.Customers customers = generator.customers(customerCount);
    StringWriter customerCsv = new StringWriter();
    DemoCsv.writeCustomers(customers, customerCsv);
    StringWriter impressionCsv = new StringWriter();
    DemoCsv.writeImpressions(generator.impressions(customers, impressionCount), impressionCsv);
    byte[] customerBytes = customerCsv.toString().getBytes(StandardCharsets.UTF_8);
    byte[] impressionBytes = impressionCsv.toString().getBytes(StandardCharsets.UTF_8);

    Path directory = Files.createTempDirectory("upload-benchmark-");
    System.out.printf(
        Locale.ROOT,
        "CSV: customers %,d B, impressions %,d B%n",
        customerBytes.length,
        impressionBytes.length);
    SecureRandom random = new SecureRandom();
    MasterKeyRing keys = MasterKeyRing.of(MasterKey.generate(random));
    try (BufferAllocator allocator = new RootAllocator()) {
      for (boolean parquet : new boolean[] {false, true}) {
        Path root = directory.resolve(parquet ? "with-parquet" : "arrow-only");
        DatasetStore store =
            parquet
                ? new DatasetStore(
                    root.resolve("datasets"), keys, random, root.resolve("parquet"), allocator)
                : new DatasetStore(root.resolve("datasets"), keys, random);
        String form = parquet ? "Arrow + Parquet" : "Arrow only";
        report(
            form,
            "customers",
            customerCount,
            time(
                store,
                "customers",
                DemoArrowLoader.CUSTOMERS,
                rules("retailer.customers"),
                customerBytes,
                allocator,
                iterations,
                warmUps),
            customerBytes.length,
            root,
            "customers");
        report(
            form,
            "impressions",
            impressionCount,
            time(
                store,
                "impressions",
                DemoArrowLoader.IMPRESSIONS,
                rules("advertiser.impressions"),
                impressionBytes,
                allocator,
                iterations,
                warmUps),
            impressionBytes.length,
            root,
            "impressions");
      }
      duckDb(directory, "customers", customerBytes, customerCount, iterations, warmUps);
      duckDb(directory, "impressions", impressionBytes, impressionCount, iterations, warmUps);
    } finally {
      deleteTree(directory);
    }
  }

  /** One measurement: the median wall time and the median process CPU time of the uploads. */
  private record Timing(double seconds, double cpuSeconds) {}

  private static Timing time(
      DatasetStore store,
      String dataset,
      DatasetSchema schema,
      IngestRules rules,
      byte[] csv,
      BufferAllocator allocator,
      int iterations,
      int warmUps) {
    List<Double> seconds = new ArrayList<>();
    List<Double> cpuSeconds = new ArrayList<>();
    for (int i = 0; i < warmUps + iterations; i++) {
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      store.upload(
          dataset,
          schema,
          rules,
          UploadFormat.CSV,
          new ByteArrayInputStream(csv),
          allocator,
          IngestProgress.NONE);
      if (i >= warmUps) {
        seconds.add((System.nanoTime() - start) / 1e9);
        cpuSeconds.add((processCpuNanos() - cpuStart) / 1e9);
      }
    }
    return new Timing(median(seconds), median(cpuSeconds));
  }

  /** The checks the server applies to an upload of {@code table} under its demo policy. */
  private static IngestRules rules(String table) {
    UploadChecks checks = UploadChecks.of(PolicyPipeline.demoPolicy(table));
    return new IngestRules(
        checks.nonNullColumns(),
        checks.uniqueColumns(),
        checks.fingerprintColumns(),
        checks.finiteColumns(),
        IngestRules.DEFAULT_MAX_UPLOAD_BYTES);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * DuckDB (in this JVM, JDBC) reading the same CSV bytes from a file into a table (column types as
   * it detects them), on one thread and on all the machine's: its median wall time.
   */
  private static void duckDb(
      Path directory, String table, byte[] csv, int rows, int iterations, int warmUps)
      throws IOException, SQLException {
    Path file = directory.resolve(table + ".csv");
    Files.write(file, csv);
    for (int threads : new int[] {1, Runtime.getRuntime().availableProcessors()}) {
      try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
          Statement statement = connection.createStatement()) {
        statement.execute("SET threads TO " + threads);
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < warmUps + iterations; i++) {
          long start = System.nanoTime();
          statement.execute(
              "CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('"
                  + file
                  + "', header = true, auto_detect = true)");
          if (i >= warmUps) {
            seconds.add((System.nanoTime() - start) / 1e9);
          }
        }
        double median = median(seconds);
        System.out.printf(
            Locale.ROOT,
            "DuckDB %d thread%s %-12s %,10d rows  median %7.1f ms  %,9.0f rows/s  %6.1f MB/s%n",
            threads,
            threads == 1 ? " " : "s",
            table,
            rows,
            median * 1e3,
            rows / median,
            csv.length / median / 1e6);
      }
    }
    Files.delete(file);
  }

  private static void report(
      String form, String table, int rows, Timing timing, long csvBytes, Path root, String dataset)
      throws IOException {
    System.out.printf(
        Locale.ROOT,
        "%-16s %-12s %,10d rows  median %7.1f ms  %,9.0f rows/s  %6.1f MB/s  %6.1f MB per CPU-s"
            + "  Arrow %,d B  Parquet %,d B (one version)%n",
        form,
        table,
        rows,
        timing.seconds() * 1e3,
        rows / timing.seconds(),
        csvBytes / timing.seconds() / 1e6,
        csvBytes / timing.cpuSeconds() / 1e6,
        bytesOf(root.resolve("datasets").resolve(dataset), "v0000000001.arrows.enc"),
        bytesOf(root.resolve("parquet").resolve(dataset).resolve("v1"), "part-00000.parquet"));
  }

  private static long bytesOf(Path directory, String file) throws IOException {
    Path path = directory.resolve(file);
    return Files.exists(path) ? Files.size(path) : 0;
  }

  private static void deleteTree(Path tree) throws IOException {
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : paths.sorted(Collections.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
