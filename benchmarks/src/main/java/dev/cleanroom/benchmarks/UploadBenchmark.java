package dev.cleanroom.benchmarks;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.connectors.storage.MasterKeyRing;
import dev.cleanroom.querypolicy.policy.UploadChecks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.Channels;
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
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Upload time of the demo tables into the encrypted store, under the checks the server applies with
 * the demo policies in force ({@code UploadChecks}: units not NULL, one row per customer, join keys
 * in fingerprint form, finite metrics): as CSV, with and without the Parquet form; and, without it,
 * the same rows as the Parquet file DuckDB writes of them and as an Arrow IPC file and stream. Each
 * line: the median of {@code iterations} uploads after {@code warmUps}, in rows/s, the input's MB/s
 * and MB per second of the process's CPU time (the upload runs on one thread, the collector and
 * compiler on others: this is the per-core figure), the CSV's MB/s for the same rows, the time
 * against the CSV upload's, and the bytes each stored form takes on disk; then DuckDB reading the
 * same CSV file into a table, on one thread and on all. Run with the deployment's JVM flags (a
 * fixed, pre-touched heap): {@code java -Xms8g -Xmx8g -XX:+AlwaysPreTouch -cp <benchmarks
 * classpath> dev.cleanroom.benchmarks.UploadBenchmark [customers] [impressions] [iterations]
 * [warmUps]}.
 */
public final class UploadBenchmark {
  private UploadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int customerCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int impressionCount = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    int warmUps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    DemoCsvFiles.Texts texts = DemoCsvFiles.texts(customerCount, impressionCount);
    byte[] customerBytes = texts.customers().getBytes(StandardCharsets.UTF_8);
    byte[] impressionBytes = texts.impressions().getBytes(StandardCharsets.UTF_8);

    Path directory = Files.createTempDirectory("upload-benchmark-");
    System.out.printf(
        Locale.ROOT,
        "CSV: customers %,d B, impressions %,d B%n",
        customerBytes.length,
        impressionBytes.length);
    SecureRandom random = new SecureRandom();
    MasterKeyRing keys = MasterKeyRing.of(MasterKey.generate(random));
    try (BufferAllocator allocator = new RootAllocator()) {
      List<Table> tables =
          List.of(
              new Table(
                  "customers",
                  "retailer.customers",
                  DemoArrowLoader.CUSTOMERS,
                  customerCount,
                  customerBytes),
              new Table(
                  "impressions",
                  "advertiser.impressions",
                  DemoArrowLoader.IMPRESSIONS,
                  impressionCount,
                  impressionBytes));
      for (boolean parquet : new boolean[] {false, true}) {
        Path root = directory.resolve(parquet ? "with-parquet" : "arrow-only");
        DatasetStore store =
            parquet
                ? new DatasetStore(
                    root.resolve("datasets"), keys, random, root.resolve("parquet"), allocator)
                : new DatasetStore(root.resolve("datasets"), keys, random);
        String form = parquet ? "Arrow + Parquet" : "Arrow only";
        for (Table table : tables) {
          Timing csv =
              time(store, table, UploadFormat.CSV, table.csv(), allocator, iterations, warmUps);
          report(form, "CSV", table, csv, table.csv().length, csv, root);
          if (parquet) {
            continue;
          }
          // The same rows as the files a provider's own tools write: Parquet from DuckDB (its
          // defaults: Snappy, dictionary pages), an Arrow IPC file and stream of the stored
          // batches.
          byte[] parquetFile = parquetFile(directory, table);
          Timing fromParquet =
              time(store, table, UploadFormat.PARQUET, parquetFile, allocator, iterations, warmUps);
          report(form, "Parquet", table, fromParquet, parquetFile.length, csv, root);
          for (UploadFormat arrowForm :
              List.of(UploadFormat.ARROW_FILE, UploadFormat.ARROW_STREAM)) {
            byte[] arrow = arrowUpload(store, table, arrowForm, allocator);
            Timing fromArrow = time(store, table, arrowForm, arrow, allocator, iterations, warmUps);
            report(
                form,
                arrowForm == UploadFormat.ARROW_FILE ? "Arrow file" : "Arrow strm",
                table,
                fromArrow,
                arrow.length,
                csv,
                root);
          }
        }
      }
      for (Table table : tables) {
        duckDb(directory, table.dataset(), table.csv(), table.rows(), iterations, warmUps);
      }
    } finally {
      deleteTree(directory);
    }
  }

  /** A demo table: its dataset, policy, declared schema, rows and CSV form. */
  private record Table(
      String dataset, String policyTable, DatasetSchema schema, int rows, byte[] csv) {}

  /**
   * The table's rows as DuckDB writes them to Parquet from the CSV, each column read as its
   * declared type.
   */
  private static byte[] parquetFile(Path directory, Table table) throws IOException, SQLException {
    Path csv = directory.resolve(table.dataset() + "-source.csv");
    Path parquet = directory.resolve(table.dataset() + ".parquet");
    Files.write(csv, table.csv());
    StringBuilder columns = new StringBuilder();
    for (ColumnDefinition column : table.schema().columns()) {
      columns.append(columns.isEmpty() ? "" : ", ");
      columns.append('\'').append(column.name()).append("': '").append(column.type()).append('\'');
    }
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "COPY (SELECT * FROM read_csv('"
              + csv
              + "', header = true, columns = {"
              + columns
              + "})) TO '"
              + parquet
              + "' (FORMAT PARQUET)");
    }
    byte[] bytes = Files.readAllBytes(parquet);
    Files.delete(csv);
    Files.delete(parquet);
    return bytes;
  }

  /** The table's latest stored version as an Arrow IPC file or stream, batch by batch. */
  private static byte[] arrowUpload(
      DatasetStore store, Table table, UploadFormat format, BufferAllocator allocator)
      throws IOException {
    long version = store.latestVersion(table.dataset()).orElseThrow();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (LoadedDataset loaded = store.load(table.dataset(), version, allocator);
        VectorSchemaRoot out = VectorSchemaRoot.create(loaded.arrowSchema(), allocator);
        ArrowWriter writer =
            format == UploadFormat.ARROW_FILE
                ? new ArrowFileWriter(out, null, Channels.newChannel(bytes))
                : new ArrowStreamWriter(out, null, bytes)) {
      writer.start();
      VectorLoader loader = new VectorLoader(out);
      for (VectorSchemaRoot batch : loaded.batches()) {
        try (ArrowRecordBatch recordBatch = new VectorUnloader(batch).getRecordBatch()) {
          loader.load(recordBatch);
        }
        writer.writeBatch();
      }
      writer.end();
    }
    return bytes.toByteArray();
  }

  /** One measurement: the median wall time and the median process CPU time of the uploads. */
  private record Timing(double seconds, double cpuSeconds) {}

  private static Timing time(
      DatasetStore store,
      Table table,
      UploadFormat format,
      byte[] upload,
      BufferAllocator allocator,
      int iterations,
      int warmUps) {
    IngestRules rules = rules(table.policyTable());
    List<Double> seconds = new ArrayList<>();
    List<Double> cpuSeconds = new ArrayList<>();
    for (int i = 0; i < warmUps + iterations; i++) {
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      store.upload(
          table.dataset(),
          table.schema(),
          rules,
          format,
          new ByteArrayInputStream(upload),
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

  /**
   * One line: the input's own MB/s and MB per CPU-s, and the CSV's MB/s for the same rows (what a
   * provider waits for, whatever form it sends), against the CSV upload's time.
   */
  private static void report(
      String form, String input, Table table, Timing timing, long inputBytes, Timing csv, Path root)
      throws IOException {
    System.out.printf(
        Locale.ROOT,
        "%-16s %-10s %-12s %,10d rows  median %7.1f ms  %,9.0f rows/s  %6.1f MB/s  %6.1f MB per"
            + " CPU-s  input %,d B  CSV-equivalent %6.1f MB/s  %4.2fx the CSV's time"
            + "  Arrow %,d B  Parquet %,d B (one version)%n",
        form,
        input,
        table.dataset(),
        table.rows(),
        timing.seconds() * 1e3,
        table.rows() / timing.seconds(),
        inputBytes / timing.seconds() / 1e6,
        inputBytes / timing.cpuSeconds() / 1e6,
        inputBytes,
        table.csv().length / timing.seconds() / 1e6,
        timing.seconds() / csv.seconds(),
        bytesOf(root.resolve("datasets").resolve(table.dataset()), "v0000000001.arrows.enc"),
        bytesOf(
            root.resolve("parquet").resolve(table.dataset()).resolve("v1"), "part-00000.parquet"));
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
