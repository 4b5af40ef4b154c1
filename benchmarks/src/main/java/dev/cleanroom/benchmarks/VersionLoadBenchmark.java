package dev.cleanroom.benchmarks;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.connectors.storage.MasterKeyRing;
import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a query waits for when the version it reads is not loaded (after a restart, or when the
 * upload's warm-up is off): the store's load (read, decrypt, Arrow) and the executor's string
 * encodings, either computed from the strings or read back from where the first load kept them
 * ({@code DatasetStore.saveEncodings}, as the server's {@code LoadedVersions} does). Each round
 * loads the demo's customers and impressions afresh with a fresh executor (as after a restart),
 * alternating the two ways; each line gives the median of {@code iterations} rounds after {@code
 * warmUps}, and the kept file's size. Run with the deployment's JVM flags: {@code java -Xms8g
 * -Xmx8g -XX:+AlwaysPreTouch --add-opens=java.base/java.nio=ALL-UNNAMED -cp <benchmarks classpath>
 * dev.cleanroom.benchmarks.VersionLoadBenchmark [customers] [impressions] [iterations] [warmUps]}.
 */
public final class VersionLoadBenchmark {
  private VersionLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int customerCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int impressionCount = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int warmUps = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    DemoCsvFiles.Texts csv = DemoCsvFiles.texts(customerCount, impressionCount);

    Path directory = Files.createTempDirectory("version-load-benchmark-");
    SecureRandom random = new SecureRandom();
    DatasetStore store =
        new DatasetStore(directory, MasterKeyRing.of(MasterKey.generate(random)), random);
    try (BufferAllocator allocator = new RootAllocator()) {
      List<Table> tables =
          List.of(
              new Table("customers", DemoArrowLoader.CUSTOMERS, csv.customers()),
              new Table("impressions", DemoArrowLoader.IMPRESSIONS, csv.impressions()));
      for (Table table : tables) {
        store.upload(
            table.dataset(),
            table.schema(),
            IngestRules.none(),
            UploadFormat.CSV,
            new ByteArrayInputStream(table.csv().getBytes(StandardCharsets.UTF_8)),
            allocator,
            IngestProgress.NONE);
        // The first load keeps the encodings, as the server's first load of a version does.
        try (LoadedDataset loaded = store.load(table.dataset(), 1, allocator)) {
          VectorizedExecutor executor = new VectorizedExecutor(allocator);
          ArrowTableData data = tableData(loaded);
          executor.prepare(data);
          store.saveEncodings(table.dataset(), 1, out -> executor.save(data, out));
        }
      }
      for (Table table : tables) {
        List<Double> computed = new ArrayList<>();
        List<Double> restored = new ArrayList<>();
        for (int round = 0; round < warmUps + iterations; round++) {
          double compute = load(store, table.dataset(), allocator, false);
          double restore = load(store, table.dataset(), allocator, true);
          if (round >= warmUps) {
            computed.add(compute);
            restored.add(restore);
          }
        }
        long keptBytes = keptBytes(directory.resolve(table.dataset()));
        System.out.printf(
            Locale.ROOT,
            "%-11s load + encodings computed %6.3f s, load + encodings read back %6.3f s"
                + " (%.2fx), kept encodings %,d B%n",
            table.dataset(),
            median(computed),
            median(restored),
            median(restored) / median(computed),
            keptBytes);
      }
    } finally {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Collections.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  private record Table(String dataset, DatasetSchema schema, String csv) {}

  /** Seconds to load version 1 and have every string column encoded, by a fresh executor. */
  private static double load(
      DatasetStore store, String dataset, BufferAllocator allocator, boolean readBack)
      throws IOException {
    long start = System.nanoTime();
    try (LoadedDataset loaded = store.load(dataset, 1, allocator)) {
      VectorizedExecutor executor = new VectorizedExecutor(allocator);
      ArrowTableData data = tableData(loaded);
      if (readBack) {
        try (InputStream in = store.openEncodings(dataset, 1).orElseThrow()) {
          executor.restore(data, in);
        }
      }
      executor.prepare(data);
      return (System.nanoTime() - start) / 1e9;
    }
  }

  private static ArrowTableData tableData(LoadedDataset loaded) {
    return new ArrowTableData() {
      @Override
      public Schema schema() {
        return loaded.arrowSchema();
      }

      @Override
      public List<VectorSchemaRoot> batches() {
        return loaded.batches();
      }
    };
  }

  private static long keptBytes(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(file -> file.getFileName().toString().endsWith(".encodings.enc"))
          .mapToLong(file -> file.toFile().length())
          .sum();
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
