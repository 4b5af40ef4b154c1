package dev.cleanroom.connectors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parquet backfill killed (SIGKILL) while it writes a version leaves that version without a
 * Parquet form and only a hidden leftover; the next backfill removes the leftover, writes the form
 * and skips the one finished before the kill.
 */
class KilledBackfillTest {
  private static final String DATASET = "demo.retailer.customers";
  private static final int LARGE_ROWS = 400_000;

  @TempDir Path directory;
  @RegisterExtension final TestAllocator memory = new TestAllocator();

  @Test
  void backfillKilledWhileWriting_nextBackfillFinishesIt() throws Exception {
    SecureRandom random = new SecureRandom();
    MasterKey key = MasterKey.generate(random);
    Path keyFile = Files.writeString(directory.resolve("master.key"), key.toBase64());
    Path data = directory.resolve("datasets");
    Path parquet = directory.resolve("parquet");
    DatasetStore arrowOnly = new DatasetStore(data, MasterKeyRing.of(key), random);
    upload(arrowOnly, 1, 5);
    upload(arrowOnly, 100, LARGE_ROWS);

    Process backfill =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    KilledBackfill.class.getName(),
                    data.toString(),
                    parquet.toString(),
                    keyFile.toString()))
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("backfill.log").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (temporaryDirectories(parquet, ".tmp-v2-").isEmpty()) {
        assertTrue(backfill.isAlive(), "the backfill ended before it was killed");
        assertTrue(System.nanoTime() < deadline, "the backfill never started version 2");
        Thread.sleep(2);
      }
    } finally {
      backfill.destroyForcibly();
      assertTrue(backfill.waitFor(1, TimeUnit.MINUTES));
    }

    DatasetStore restarted =
        new DatasetStore(data, MasterKeyRing.of(key), random, parquet, memory.allocator());
    assertTrue(restarted.parquetLocation(DATASET, 1).isPresent(), "written before the kill");
    assertEquals(Optional.empty(), restarted.parquetLocation(DATASET, 2));
    assertEquals(1, temporaryDirectories(parquet, ".tmp-v2-").size());

    assertEquals(1, restarted.backfillParquet());
    assertEquals(List.of(), temporaryDirectories(parquet, ".tmp-"));
    Path part =
        restarted.parquetLocation(DATASET, 2).orElseThrow().resolve(ParquetVersionWriter.PART_FILE);
    Configuration spark = ParquetForms.sparkHadoopConfiguration(List.of(keyFile));
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            new LocalInputFile(part),
            HadoopReadOptions.builder(spark, new org.apache.hadoop.fs.Path(part.toUri()))
                .build())) {
      assertEquals(LARGE_ROWS, reader.getRecordCount());
    }
  }

  private void upload(DatasetStore store, long firstId, int rows) {
    StringBuilder csv =
        new StringBuilder(
            "customer_id,email_hash,zip,age,lifetime_spend,balance,opted_out,birthday,joined\n");
    for (long id = firstId; id < firstId + rows; id++) {
      csv.append(id)
          .append(",,z")
          .append(id % 97)
          .append(",30,")
          .append(id % 1000)
          .append(".5,3.25,false,1990-01-01,2024-01-01 00:00:00\n");
    }
    store.upload(
        DATASET,
        TestDatasets.customers(),
        TestDatasets.customerRules(),
        UploadFormat.CSV,
        new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
        memory.allocator(),
        IngestProgress.NONE);
  }

  private static List<Path> temporaryDirectories(Path parquet, String prefix) throws Exception {
    Path dataset = parquet.resolve(DATASET);
    if (!Files.isDirectory(dataset)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dataset)) {
      return entries.filter(entry -> entry.getFileName().toString().startsWith(prefix)).toList();
    }
  }
}
