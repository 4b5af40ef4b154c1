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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Upload time of the demo tables (CSV, as a provider uploads them) into the encrypted store, with
 * and without the Parquet form: the median of {@code iterations} uploads after {@code warmUps}, and
 * the bytes each form takes on disk. Run: {@code java -cp <benchmarks classpath>
 * dev.cleanroom.benchmarks.UploadBenchmark [customers] [impressions] [iterations] [warmUps]}.
 */
public final class UploadBenchmark {
  private UploadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int customerCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int impressionCount = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    int warmUps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    DemoDataGenerator generator =
        new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, Fingerprints::of);
    DemoDataGenerator.Customers customers = generator.customers(customerCount);
    StringWriter customerCsv = new StringWriter();
    DemoCsv.writeCustomers(customers, customerCsv);
    StringWriter impressionCsv = new StringWriter();
    DemoCsv.writeImpressions(generator.impressions(customers, impressionCount), impressionCsv);
    byte[] customerBytes = customerCsv.toString().getBytes(StandardCharsets.UTF_8);
    byte[] impressionBytes = impressionCsv.toString().getBytes(StandardCharsets.UTF_8);

    Path directory = Files.createTempDirectory("upload-benchmark-");
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
                customerBytes,
                allocator,
                iterations,
                warmUps),
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
                impressionBytes,
                allocator,
                iterations,
                warmUps),
            root,
            "impressions");
      }
    } finally {
      deleteTree(directory);
    }
  }

  private static double time(
      DatasetStore store,
      String dataset,
      DatasetSchema schema,
      byte[] csv,
      BufferAllocator allocator,
      int iterations,
      int warmUps) {
    List<Double> seconds = new ArrayList<>();
    for (int i = 0; i < warmUps + iterations; i++) {
      long start = System.nanoTime();
      store.upload(
          dataset,
          schema,
          IngestRules.none(),
          UploadFormat.CSV,
          new ByteArrayInputStream(csv),
          allocator,
          IngestProgress.NONE);
      if (i >= warmUps) {
        seconds.add((System.nanoTime() - start) / 1e9);
      }
    }
    Collections.sort(seconds);
    return seconds.get(seconds.size() / 2);
  }

  private static void report(
      String form, String table, int rows, double seconds, Path root, String dataset)
      throws IOException {
    System.out.printf(
        Locale.ROOT,
        "%-16s %-12s %,10d rows  median %7.1f ms  %,9.0f rows/s  Arrow %,d B  Parquet %,d B"
            + " (one version)%n",
        form,
        table,
        rows,
        seconds * 1e3,
        rows / seconds,
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
