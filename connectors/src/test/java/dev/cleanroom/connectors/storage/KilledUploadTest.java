package dev.cleanroom.connectors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A writer process killed (SIGKILL) in the middle of an upload leaves the old version intact. */
class KilledUploadTest {
  private static final String DATASET = "demo.retailer.customers";
  private static final long KILL_AFTER_BYTES = 8L << 20;

  @TempDir Path directory;
  @RegisterExtension final TestAllocator memory = new TestAllocator();

  @Test
  void writerKilledMidUpload_leavesPreviousVersionIntactAndNothingVisible() throws Exception {
    SecureRandom random = new SecureRandom();
    MasterKey key = MasterKey.generate(random);
    Path keyFile = Files.writeString(directory.resolve("master.key"), key.toBase64());
    Path data = directory.resolve("data");
    DatasetStore store = new DatasetStore(data, MasterKeyRing.of(key), random);
    store.upload(
        DATASET,
        TestDatasets.customers(),
        TestDatasets.customerRules(),
        UploadFormat.CSV,
        csv("1,,z,30,1.0,1.00,false,1990-01-01,2024-01-01 00:00:00\n"),
        memory.allocator(),
        IngestProgress.NONE);

    Process writer =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m",
                    "-Djava.io.tmpdir=" + directory,
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    KilledUpload.class.getName(),
                    data.toString(),
                    keyFile.toString(),
                    DATASET))
            .redirectErrorStream(true)
            .start();
    try (BufferedReader output =
        new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      long bytes = 0;
      while (bytes < KILL_AFTER_BYTES && (line = output.readLine()) != null) {
        if (line.startsWith("progress ")) {
          bytes = Long.parseLong(line.substring("progress ".length()));
        }
      }
      assertTrue(bytes >= KILL_AFTER_BYTES, "the writer stopped before it was killed");
      assertTrue(temporaryFiles(data).size() > 0, "the write should be under way");
    } finally {
      writer.destroyForcibly();
      assertTrue(writer.waitFor(1, TimeUnit.MINUTES));
    }

    DatasetStore restarted = new DatasetStore(data, MasterKeyRing.of(key), random);
    assertEquals(List.of(1L), restarted.versions(DATASET));
    try (LoadedDataset loaded = restarted.load(DATASET, 1, memory.allocator())) {
      assertEquals(1, loaded.rowCount());
    }
    StoredVersion next =
        restarted.upload(
            DATASET,
            TestDatasets.customers(),
            TestDatasets.customerRules(),
            UploadFormat.CSV,
            csv("2,,z,30,1.0,1.00,false,1990-01-01,2024-01-01 00:00:00\n"),
            memory.allocator(),
            IngestProgress.NONE);
    assertEquals(new StoredVersion(DATASET, 2, 1), next);
    assertFalse(temporaryFiles(data).size() > 0, "the next write removes the leftovers");
  }

  private static ByteArrayInputStream csv(String row) {
    return new ByteArrayInputStream(
        ("customer_id,email_hash,zip,age,lifetime_spend,balance,opted_out,birthday,joined\n" + row)
            .getBytes(StandardCharsets.UTF_8));
  }

  private static List<Path> temporaryFiles(Path data) throws Exception {
    try (Stream<Path> files = Files.list(data.resolve(DATASET))) {
      return files.filter(file -> file.getFileName().toString().startsWith(".tmp-")).toList();
    }
  }
}
