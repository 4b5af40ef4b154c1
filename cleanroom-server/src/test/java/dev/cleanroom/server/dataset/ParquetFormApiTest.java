package dev.cleanroom.server.dataset;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.storage.ParquetVersionWriter;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The Parquet form over real HTTP, a real PostgreSQL and real files: with {@code
 * cleanroom.storage.parquet.enabled}, an upload and an erasure each leave an encrypted Parquet
 * version on disk beside the Arrow one, its footer encrypted and its data key under the server's
 * master key; a refused upload leaves neither. (Reading the files back as Spark does is {@code
 * DatasetStoreParquetTest}'s, in connectors: the server declares no Parquet library.)
 */
@QuarkusTest
@TestProfile(ParquetFormApiTest.ParquetEnabled.class)
class ParquetFormApiTest {
  // Fixed, not generated: the profile and the test may run in different class loaders.
  static final MasterKey MASTER_KEY =
      MasterKey.fromBase64("cGFycXVldC1mb3JtLW1hc3Rlci1rZXktdGVzdC0wMTI=");

  /** The Parquet form on, under its default root, with a known master key. */
  public static class ParquetEnabled implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cleanroom.storage.parquet.enabled",
          "true",
          "cleanroom.master-key",
          MASTER_KEY.toBase64());
    }
  }

  @Test
  void uploadAndErasure_leaveEncryptedParquetVersionsOnDisk_refusedUploadLeavesNone()
      throws Exception {
    Path dataDir = Path.of(ConfigProvider.getConfig().getValue("cleanroom.data-dir", String.class));
    Path datasets = dataDir.resolve("datasets");
    Set<String> before = directoriesIn(datasets);
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    DemoDataGenerator.Customers customers = TestData.generator(room.name()).customers(300);
    String csv = TestData.customersCsv(customers);
    room.upload("retailer", "customers", "text/csv", csv.getBytes(StandardCharsets.UTF_8));

    Set<String> created = directoriesIn(datasets);
    created.removeAll(before);
    assertEquals(1, created.size(), "one dataset stored: " + created);
    String storageId = created.iterator().next();
    Path parquet = dataDir.resolve("parquet").resolve(storageId);
    Path part = parquet.resolve("v1").resolve(ParquetVersionWriter.PART_FILE);
    assertTrue(Files.isRegularFile(part), part + " is written");

    byte[] bytes = Files.readAllBytes(part);
    assertEquals("PARE", new String(bytes, 0, 4, StandardCharsets.US_ASCII), "encrypted footer");
    assertEquals("PARE", new String(bytes, bytes.length - 4, 4, StandardCharsets.US_ASCII));
    String content = new String(bytes, StandardCharsets.ISO_8859_1);
    String firstRow = csv.lines().skip(1).findFirst().orElseThrow();
    String customerId = firstRow.substring(0, firstRow.indexOf(','));
    for (String cell : firstRow.split(",")) {
      if (cell.length() >= 6) {
        assertFalse(content.contains(cell), "the file holds a cell of the upload in plaintext");
      }
    }
    assertFalse(content.contains("lifetime_spend"), "the file holds a column name in plaintext");
    assertTrue(content.contains("\"masterKeyID\":\"" + MASTER_KEY.id() + "\""));

    // A refused upload (a row with a bad integer, after good ones) leaves no second version.
    String bad = csv + "not-a-number" + firstRow.substring(customerId.length()) + "\n";
    room.as("retailer")
        .contentType("text/csv")
        .body(bad.getBytes(StandardCharsets.UTF_8))
        .put(room.path() + "/datasets/customers/data")
        .then()
        .statusCode(400);
    assertEquals(List.of("v1"), names(parquet));
    assertEquals(
        List.of("v0000000001.arrows.enc", "v0000000001.key"), names(datasets.resolve(storageId)));

    room.approvePolicy("customers", TestData.demoPolicyWithoutJoins("retailer.customers"), 1);
    room.as("retailer")
        .delete(room.path() + "/datasets/customers/units/" + customerId)
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("rowsRemoved", equalTo(1))
        .body("versionsRemoved", equalTo(List.of(1)));
    // Version 1 held the person: removed in both forms.
    assertEquals(List.of("v2"), names(parquet));
    assertEquals(
        List.of("v0000000002.arrows.enc", "v0000000002.key"), names(datasets.resolve(storageId)));
    assertEquals(List.of(ParquetVersionWriter.PART_FILE), names(parquet.resolve("v2")));
  }

  private static Set<String> directoriesIn(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return new HashSet<>();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return new HashSet<>(
          entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList());
    }
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
