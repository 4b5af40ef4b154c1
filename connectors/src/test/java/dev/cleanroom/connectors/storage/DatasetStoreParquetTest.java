package dev.cleanroom.connectors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Parquet form of the store: written, refused, erased, removed, backfilled and rotated. */
class DatasetStoreParquetTest {
  private static final String DATASET = "demo.retailer.customers";
  private static final String HEADER =
      "customer_id,email_hash,zip,age,lifetime_spend,balance,opted_out,birthday,joined\n";

  @TempDir Path directory;
  @RegisterExtension final TestAllocator memory = new TestAllocator();
  private final SecureRandom random = new SecureRandom();
  private final MasterKey masterKey = MasterKey.generate(random);
  private Path arrowRoot;
  private Path parquetRoot;
  private DatasetStore store;

  @BeforeEach
  void open() {
    arrowRoot = directory.resolve("datasets");
    parquetRoot = directory.resolve("parquet");
    store = parquetStore(MasterKeyRing.of(masterKey));
  }

  @Test
  void upload_storesBothFormsWithTheSameRows() throws IOException {
    StoredVersion version = upload(csv(1, 2_500));
    assertEquals(new StoredVersion(DATASET, 1, 2_500), version);

    Path location = store.parquetLocation(DATASET, 1).orElseThrow();
    assertEquals(parquetRoot.resolve(DATASET).resolve("v1"), location);
    assertEquals(List.of(ParquetVersionWriter.PART_FILE), names(location));
    assertEquals(arrowRows(1), parquetRows(location, masterKey));
    assertEquals(Optional.empty(), store.parquetLocation(DATASET, 2));
  }

  @Test
  void refusedUpload_leavesNeitherForm() throws IOException {
    upload(csv(1, 5));
    // 3000 good rows (three batches written in both forms), then a duplicate unit.
    String bad = csv(1000, 3000) + "1000,,z,1,1.0,1.00,true,2000-01-01,2000-01-01 00:00:00\n";
    ConnectorException e = assertThrows(ConnectorException.class, () -> upload(bad));
    assertEquals(ConnectorErrorCode.DUPLICATE_VALUE, e.code());

    assertEquals(List.of(1L), store.versions(DATASET));
    assertEquals(List.of("v0000000001.arrows.enc", "v0000000001.key"), names(arrowDirectory()));
    assertEquals(List.of("v1"), names(parquetRoot.resolve(DATASET)));
    assertEquals(Optional.empty(), store.parquetLocation(DATASET, 2));
  }

  @Test
  void crashBetweenTheTwoRenames_leavesNoVersionAndTheNextUploadReplacesIt() throws IOException {
    upload(csv(1, 5));
    // A crash after the Parquet form of version 2 was renamed into place, before its Arrow form
    // was: the directory is there, the version is not; and a writer's temporary directory.
    copyTree(
        parquetRoot.resolve(DATASET).resolve("v1"), parquetRoot.resolve(DATASET).resolve("v2"));
    Files.createDirectories(parquetRoot.resolve(DATASET).resolve(".tmp-v2-12345"));
    assertEquals(Optional.empty(), store.parquetLocation(DATASET, 2));

    upload(csv(100, 3));
    assertEquals(List.of("v1", "v2"), names(parquetRoot.resolve(DATASET)));
    assertEquals(
        arrowRows(2), parquetRows(store.parquetLocation(DATASET, 2).orElseThrow(), masterKey));
    assertEquals(3, arrowRows(2).size());
  }

  @Test
  void erasure_writesTheNewVersionInBothForms() throws IOException {
    upload(csv(1, 5_000));
    ErasureResult result = store.erase(DATASET, "customer_id", "4321", memory.allocator());
    assertEquals(new StoredVersion(DATASET, 2, 4_999), result.version());

    List<List<Object>> parquet =
        parquetRows(store.parquetLocation(DATASET, 2).orElseThrow(), masterKey);
    assertEquals(arrowRows(2), parquet);
    assertEquals(4_999, parquet.size());
    assertFalse(parquet.stream().anyMatch(row -> row.get(0).equals(4321L)));
    // Version 1 held the person: removed in both forms.
    assertEquals(List.of(1L), result.versionsRemoved());
    assertTrue(store.parquetLocation(DATASET, 1).isEmpty());
  }

  @Test
  void removedVersion_isGoneInBothForms() throws IOException {
    upload(csv(1, 5));
    upload(csv(10, 5));
    store.removeVersion(DATASET, 1);

    assertEquals(List.of(2L), store.versions(DATASET));
    assertEquals(List.of("v0000000002.arrows.enc", "v0000000002.key"), names(arrowDirectory()));
    assertEquals(List.of("v2"), names(parquetRoot.resolve(DATASET)));
    assertEquals(Optional.empty(), store.parquetLocation(DATASET, 1));
    ConnectorException e =
        assertThrows(ConnectorException.class, () -> store.removeVersion(DATASET, 1));
    assertEquals(ConnectorErrorCode.NOT_FOUND, e.code());
    ConnectorException latest =
        assertThrows(ConnectorException.class, () -> store.removeVersion(DATASET, 2));
    assertEquals(ConnectorErrorCode.INVALID_ARGUMENT, latest.code());
    assertEquals(
        "version 2 is the latest of dataset '"
            + DATASET
            + "'; only an older version can be removed",
        latest.getMessage());
    assertTrue(store.parquetLocation(DATASET, 2).isPresent());
  }

  @Test
  void backfill_writesTheMissingFormsOnceAndCleansLeftovers() throws IOException {
    DatasetStore arrowOnly = new DatasetStore(arrowRoot, MasterKeyRing.of(masterKey), random);
    store = arrowOnly;
    upload(csv(1, 5));
    upload(csv(10, 1_500));
    assertEquals(Optional.empty(), arrowOnly.parquetLocation(DATASET, 1));

    store = parquetStore(MasterKeyRing.of(masterKey));
    assertEquals(Optional.empty(), store.parquetLocation(DATASET, 1));
    // What a killed backfill leaves: a temporary directory, never read.
    Files.createDirectories(parquetRoot.resolve(DATASET).resolve(".tmp-v1-999"));
    Files.writeString(parquetRoot.resolve(DATASET).resolve(".tmp-v1-999").resolve("x"), "partial");

    assertEquals(2, store.backfillParquet());
    assertEquals(0, store.backfillParquet());
    assertEquals(List.of("v1", "v2"), names(parquetRoot.resolve(DATASET)));
    for (long version : List.of(1L, 2L)) {
      assertEquals(
          arrowRows(version),
          parquetRows(store.parquetLocation(DATASET, version).orElseThrow(), masterKey));
    }
  }

  @Test
  void rotation_rewritesTheParquetFormUnderTheNewKey() throws IOException {
    upload(csv(1, 5));
    upload(csv(10, 5));
    MasterKey newKey = MasterKey.generate(random);
    assertTrue(footerNamesMasterKey(1, masterKey));

    assertEquals(2, store.rotateMasterKey(newKey));
    assertEquals(0, store.rotateMasterKey(newKey));

    for (long version : List.of(1L, 2L)) {
      Path location = store.parquetLocation(DATASET, version).orElseThrow();
      assertTrue(footerNamesMasterKey(version, newKey));
      assertFalse(footerNamesMasterKey(version, masterKey));
      assertEquals(arrowRows(version), parquetRows(location, newKey));
      ConnectorException e =
          assertThrows(ConnectorException.class, () -> parquetRows(location, masterKey));
      assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
    }
    assertEquals(List.of("v1", "v2"), names(parquetRoot.resolve(DATASET)));
  }

  @Test
  void storeWithoutTheParquetForm_hasNoLocation() throws IOException {
    store = new DatasetStore(arrowRoot, MasterKeyRing.of(masterKey), random);
    upload(csv(1, 5));
    assertFalse(store.keepsParquetForm());
    assertEquals(Optional.empty(), store.parquetLocation(DATASET, 1));
    assertEquals(0, store.backfillParquet());
  }

  private DatasetStore parquetStore(MasterKeyRing keys) {
    return new DatasetStore(arrowRoot, keys, random, parquetRoot, memory.allocator());
  }

  private StoredVersion upload(String csv) {
    return store.upload(
        DATASET,
        TestDatasets.customers(),
        TestDatasets.customerRules(),
        UploadFormat.CSV,
        new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
        memory.allocator(),
        IngestProgress.NONE);
  }

  private List<List<Object>> arrowRows(long version) {
    try (LoadedDataset loaded = store.load(DATASET, version, memory.allocator())) {
      return ParquetForms.rows(loaded.batches());
    }
  }

  private List<List<Object>> parquetRows(Path location, MasterKey key) throws IOException {
    Path keys = Files.createTempDirectory(directory, "keys");
    return ParquetForms.read(
        location, ParquetForms.sparkHadoopConfiguration(ParquetForms.keyFiles(keys, key)));
  }

  /** The footer key's material is the one plaintext part of the footer; it names its master key. */
  private boolean footerNamesMasterKey(long version, MasterKey key) throws IOException {
    byte[] bytes =
        Files.readAllBytes(
            store
                .parquetLocation(DATASET, version)
                .orElseThrow()
                .resolve(ParquetVersionWriter.PART_FILE));
    return new String(bytes, StandardCharsets.ISO_8859_1)
        .contains("\"masterKeyID\":\"" + key.id() + "\"");
  }

  private Path arrowDirectory() {
    return arrowRoot.resolve(DATASET);
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }

  private static String csv(long firstId, int rows) {
    StringBuilder csv = new StringBuilder(HEADER);
    for (long id = firstId; id < firstId + rows; id++) {
      csv.append(id)
          .append(",,z")
          .append(id % 7)
          .append(id % 3 == 0 ? ",," : ",30,")
          .append(id * 0.5)
          .append(",")
          .append(id % 11 == 0 ? "" : "-3.25")
          .append(id % 2 == 0 ? ",false," : ",true,")
          .append("1990-01-0")
          .append(1 + id % 9)
          .append(",2024-03-01 10:00:0")
          .append(id % 10)
          .append(".123456\n");
    }
    return csv.toString();
  }
}
