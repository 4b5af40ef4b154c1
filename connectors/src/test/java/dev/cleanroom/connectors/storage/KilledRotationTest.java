package dev.cleanroom.connectors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master key rotation killed (SIGKILL) between two key files leaves every version readable with
 * the old key still configured, and finishes when run again; then only the new key reads the store,
 * and no data file has changed.
 */
class KilledRotationTest {
  private static final List<String> DATASETS = List.of("c.retailer.customers", "c.other.customers");
  private static final int VERSIONS_PER_DATASET = 3;
  private static final int KILL_AFTER_FILES = 2;

  @TempDir Path directory;
  @RegisterExtension final TestAllocator memory = new TestAllocator();

  @Test
  void rotationKilledHalfWay_restartedFinishes_thenOnlyTheNewKeyReads() throws Exception {
    SecureRandom random = new SecureRandom();
    MasterKey oldKey = MasterKey.generate(random);
    MasterKey newKey = MasterKey.generate(random);
    Path oldKeyFile = Files.writeString(directory.resolve("old.key"), oldKey.toBase64());
    Path newKeyFile = Files.writeString(directory.resolve("new.key"), newKey.toBase64());
    Path data = directory.resolve("data");
    DatasetStore original = new DatasetStore(data, MasterKeyRing.of(oldKey), random);
    int customerId = 1;
    for (String dataset : DATASETS) {
      for (int version = 1; version <= VERSIONS_PER_DATASET; version++) {
        original.upload(
            dataset,
            TestDatasets.customers(),
            TestDatasets.customerRules(),
            UploadFormat.CSV,
            csv(customerId++),
            memory.allocator(),
            IngestProgress.NONE);
      }
    }
    int files = DATASETS.size() * VERSIONS_PER_DATASET;
    Map<Path, String> dataHashes = dataFileHashes(data);
    assertEquals(files, dataHashes.size());

    Process rotation =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    KilledRotation.class.getName(),
                    data.toString(),
                    oldKeyFile.toString(),
                    newKeyFile.toString(),
                    Integer.toString(KILL_AFTER_FILES)))
            .redirectErrorStream(true)
            .start();
    try (BufferedReader output =
        new BufferedReader(
            new InputStreamReader(rotation.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      int rewrapped = 0;
      while (rewrapped < KILL_AFTER_FILES && (line = output.readLine()) != null) {
        if (line.startsWith("rewrapped ")) {
          rewrapped = Integer.parseInt(line.substring("rewrapped ".length()));
        }
      }
      assertEquals(KILL_AFTER_FILES, rewrapped, "the rotation stopped before it was killed");
    } finally {
      rotation.destroyForcibly();
      assertTrue(rotation.waitFor(1, TimeUnit.MINUTES));
    }

    DatasetStore restarted =
        new DatasetStore(data, new MasterKeyRing(newKey, List.of(oldKey)), random);
    assertEquals(
        Map.of(oldKey.id(), (long) files - KILL_AFTER_FILES, newKey.id(), (long) KILL_AFTER_FILES),
        restarted.keyFilesByMasterKey());
    assertEveryVersionReads(restarted);

    assertEquals(files - KILL_AFTER_FILES, restarted.rotateMasterKey(newKey));

    assertEquals(Map.of(newKey.id(), (long) files), restarted.keyFilesByMasterKey());
    assertEquals(dataHashes, dataFileHashes(data), "a rotation never touches a data file");
    assertEveryVersionReads(new DatasetStore(data, MasterKeyRing.of(newKey), random));
    DatasetStore oldKeyOnly = new DatasetStore(data, MasterKeyRing.of(oldKey), random);
    for (String dataset : DATASETS) {
      for (long version = 1; version <= VERSIONS_PER_DATASET; version++) {
        long readVersion = version;
        ConnectorException e =
            assertThrows(
                ConnectorException.class,
                () -> oldKeyOnly.load(dataset, readVersion, memory.allocator()).close());
        assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
      }
    }
  }

  private void assertEveryVersionReads(DatasetStore store) {
    for (String dataset : DATASETS) {
      for (long version = 1; version <= VERSIONS_PER_DATASET; version++) {
        try (LoadedDataset loaded = store.load(dataset, version, memory.allocator())) {
          assertEquals(1, loaded.rowCount());
        }
      }
    }
  }

  private static Map<Path, String> dataFileHashes(Path data) throws Exception {
    Map<Path, String> hashes = new TreeMap<>();
    try (Stream<Path> files = Files.walk(data)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().endsWith(".arrows.enc")).toList()) {
        hashes.put(
            data.relativize(file),
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
      }
    }
    return hashes;
  }

  private static ByteArrayInputStream csv(int customerId) {
    return new ByteArrayInputStream(
        ("customer_id,email_hash,zip,age,lifetime_spend,balance,opted_out,birthday,joined\n"
                + customerId
                + ",,z,30,1.0,1.00,false,1990-01-01,2024-01-01 00:00:00\n")
            .getBytes(StandardCharsets.UTF_8));
  }
}
