package dev.cleanroom.connectors.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.ingest.DatasetIngestor;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.engine.ColumnValues;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DatasetStoreTest {
  private static final String DATASET = "demo.retailer.customers";
  private static final String HEADER =
      "customer_id,email_hash,zip,age,lifetime_spend,balance,opted_out,birthday,joined\n";

  @TempDir Path directory;
  private final SecureRandom random = new SecureRandom();
  private final MasterKey masterKey = MasterKey.generate(random);
  @RegisterExtension final TestAllocator memory = new TestAllocator();
  private DatasetStore store;

  @BeforeEach
  void open() {
    store = new DatasetStore(directory, MasterKeyRing.of(masterKey), random);
  }

  @Test
  void csvUpload_isStoredEncryptedAndLoadsBack() throws IOException {
    StoredVersion version = upload(csv(1, 10));
    assertEquals(new StoredVersion(DATASET, 1, 10), version);
    assertEquals(List.of(1L), store.versions(DATASET));

    try (LoadedDataset loaded = store.load(DATASET, 1, memory.allocator())) {
      assertEquals(TestDatasets.customers(), loaded.schema());
      assertEquals(10, loaded.rowCount());
      assertEquals(ids(1, 10), customerIds(loaded));
    }
    byte[] stored =
        Files.readAllBytes(directory.resolve(DATASET).resolve("v0000000001.arrows.enc"));
    assertFalse(
        new String(stored, StandardCharsets.ISO_8859_1).contains("customer_id"),
        "the stored file must not hold plaintext");
  }

  @Test
  void loadThatRunsOutOfArrowMemory_isNotReportedAsAnIntegrityFailure() throws IOException {
    upload(csv(1, 1_000));
    // Whether a version fits depends on its size, not on whether its bytes are intact: the
    // caller sees Arrow's own exception (the server charges such a query; it refunds a store
    // failure).
    try (BufferAllocator tiny = memory.allocator().newChildAllocator("tiny", 0, 4_096)) {
      assertThrows(
          org.apache.arrow.memory.OutOfMemoryException.class,
          () -> store.load(DATASET, 1, tiny).close());
    }
  }

  @Test
  void secondUpload_isANewVersionAndTheOldOneStaysReadable() throws IOException {
    upload(csv(1, 5));
    upload(csv(100, 3));
    assertEquals(List.of(1L, 2L), store.versions(DATASET));
    try (LoadedDataset first = store.load(DATASET, 1, memory.allocator());
        LoadedDataset second = store.load(DATASET, 2, memory.allocator())) {
      assertEquals(ids(1, 5), customerIds(first));
      assertEquals(ids(100, 3), customerIds(second));
    }
  }

  @Test
  void uploadFailingHalfWay_leavesPreviousVersionIntactAndNothingBehind() throws IOException {
    upload(csv(1, 5));
    // 3000 good rows (three batches already written and encrypted), then a duplicate unit.
    String bad = csv(1000, 3000) + "1000,,z,1,1.0,1.00,true,2000-01-01,2000-01-01 00:00:00\n";
    ConnectorException e = assertThrows(ConnectorException.class, () -> upload(bad));
    assertEquals(ConnectorErrorCode.DUPLICATE_VALUE, e.code());

    assertEquals(List.of(1L), store.versions(DATASET));
    assertEquals(List.of("v0000000001.arrows.enc", "v0000000001.key"), files());
    try (LoadedDataset loaded = store.load(DATASET, 1, memory.allocator())) {
      assertEquals(ids(1, 5), customerIds(loaded));
    }
  }

  @Test
  void uploadApi_refusesBadParquetWithoutStoringAndAcceptsGoodCsv() {
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () ->
                store.upload(
                    DATASET,
                    TestDatasets.customers(),
                    TestDatasets.customerRules(),
                    UploadFormat.PARQUET,
                    new ByteArrayInputStream("not parquet".getBytes(StandardCharsets.UTF_8)),
                    memory.allocator(),
                    IngestProgress.NONE));
    assertEquals(ConnectorErrorCode.CORRUPT_FILE, e.code());
    assertEquals(List.of(), store.versions(DATASET));

    StoredVersion stored =
        store.upload(
            DATASET,
            TestDatasets.customers(),
            TestDatasets.customerRules(),
            UploadFormat.CSV,
            new ByteArrayInputStream(csv(1, 3).getBytes(StandardCharsets.UTF_8)),
            memory.allocator(),
            IngestProgress.NONE);
    assertEquals(new StoredVersion(DATASET, 1, 3), stored);
  }

  @Test
  void crashLeavingATruncatedTempFile_keepsOldVersionAndNextUploadSucceeds() throws IOException {
    upload(csv(1, 5));
    Path datasetDirectory = directory.resolve(DATASET);
    byte[] complete = Files.readAllBytes(datasetDirectory.resolve("v0000000001.arrows.enc"));
    // What a process killed mid-write leaves: a partial temp file and the next version's key.
    Files.write(
        datasetDirectory.resolve(".tmp-v0000000002.arrows.enc-42"),
        java.util.Arrays.copyOf(complete, complete.length / 2));
    Files.copy(
        datasetDirectory.resolve("v0000000001.key"), datasetDirectory.resolve("v0000000002.key"));

    DatasetStore restarted = new DatasetStore(directory, MasterKeyRing.of(masterKey), random);
    assertEquals(List.of(1L), restarted.versions(DATASET));
    try (LoadedDataset loaded = restarted.load(DATASET, 1, memory.allocator())) {
      assertEquals(ids(1, 5), customerIds(loaded));
    }

    store = restarted;
    upload(csv(50, 2));
    assertEquals(List.of(1L, 2L), restarted.versions(DATASET));
    assertFalse(files().stream().anyMatch(name -> name.startsWith(".tmp-")));
  }

  @Test
  void tamperedDataFile_isDetectedOnRead() throws IOException {
    upload(csv(1, 2000));
    Path data = directory.resolve(DATASET).resolve("v0000000001.arrows.enc");
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(data, bytes);

    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> store.load(DATASET, 1, memory.allocator()).close());
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, e.code());
  }

  @Test
  void bytesAppendedToStoredFile_areDetectedOnRead() throws IOException {
    upload(csv(1, 5));
    Path data = directory.resolve(DATASET).resolve("v0000000001.arrows.enc");
    Files.write(data, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> store.load(DATASET, 1, memory.allocator()).close());
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, e.code());
  }

  @Test
  void versionFileSwappedForAnother_isDetectedOnRead() throws IOException {
    upload(csv(1, 5));
    upload(csv(10, 5));
    Path datasetDirectory = directory.resolve(DATASET);
    Files.copy(
        datasetDirectory.resolve("v0000000001.arrows.enc"),
        datasetDirectory.resolve("v0000000002.arrows.enc"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> store.load(DATASET, 2, memory.allocator()).close());
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, e.code());
  }

  @Test
  void encodings_keptEncryptedBesideTheVersionAndReadBack() throws IOException {
    upload(csv(1, 5));
    assertEquals(Optional.empty(), store.openEncodings(DATASET, 1));
    byte[] derived = derived(100_000);
    assertTrue(store.saveEncodings(DATASET, 1, out -> out.write(derived)));

    assertArrayEquals(derived, readEncodings(1));
    byte[] stored =
        Files.readAllBytes(directory.resolve(DATASET).resolve("v0000000001.encodings.enc"));
    assertFalse(
        new String(stored, StandardCharsets.ISO_8859_1).contains("derived-value"),
        "the kept file must not hold plaintext");
    // A second save replaces the first; nothing is left aside.
    assertTrue(store.saveEncodings(DATASET, 1, out -> out.write(new byte[] {7})));
    assertArrayEquals(new byte[] {7}, readEncodings(1));
    assertEquals(
        List.of("v0000000001.arrows.enc", "v0000000001.encodings.enc", "v0000000001.key"), files());
  }

  @Test
  void encodings_alteredCutShortOrFromAnotherVersion_failTheirIntegrity() throws IOException {
    upload(csv(1, 5));
    upload(csv(10, 5));
    store.saveEncodings(DATASET, 1, out -> out.write(derived(100_000)));
    store.saveEncodings(DATASET, 2, out -> out.write(derived(100_000)));
    Path kept = directory.resolve(DATASET).resolve("v0000000002.encodings.enc");
    byte[] original = Files.readAllBytes(kept);

    byte[] altered = original.clone();
    altered[altered.length / 2] ^= 0x10;
    Files.write(kept, altered);
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, encodingsFailure(2));

    Files.write(kept, Arrays.copyOf(original, original.length - 100));
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, encodingsFailure(2));

    Files.copy(
        directory.resolve(DATASET).resolve("v0000000001.encodings.enc"),
        kept,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, encodingsFailure(2));

    // Nor does the version's data file pass for its encodings.
    Files.copy(
        directory.resolve(DATASET).resolve("v0000000002.arrows.enc"),
        kept,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, encodingsFailure(2));
  }

  @Test
  void encodings_goWithTheirVersionAndAreNeverKeptForARemovedOne() throws IOException {
    upload(csv(1, 10)); // v1 holds unit 5
    upload(csv(20, 10)); // v2 does not
    store.saveEncodings(DATASET, 1, out -> out.write(derived(10)));
    store.saveEncodings(DATASET, 2, out -> out.write(derived(10)));

    store.erase(DATASET, "customer_id", "5", memory.allocator());

    assertEquals(
        List.of(
            "v0000000002.arrows.enc",
            "v0000000002.encodings.enc",
            "v0000000002.key",
            "v0000000003.arrows.enc",
            "v0000000003.key"),
        files());
    assertFalse(store.saveEncodings(DATASET, 1, out -> out.write(derived(10))));
    store.removeVersion(DATASET, 2);
    assertEquals(List.of("v0000000003.arrows.enc", "v0000000003.key"), files());
  }

  @Test
  void encodingsWriterFailing_leavesTheKeptOneAndNothingAside() throws IOException {
    upload(csv(1, 5));
    store.saveEncodings(DATASET, 1, out -> out.write(new byte[] {1, 2, 3}));
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () ->
                store.saveEncodings(
                    DATASET,
                    1,
                    out -> {
                      out.write(derived(200_000));
                      throw new IOException("the engine failed");
                    }));
    assertEquals(ConnectorErrorCode.STORAGE_FAILURE, e.code());
    assertArrayEquals(new byte[] {1, 2, 3}, readEncodings(1));
    assertEquals(
        List.of("v0000000001.arrows.enc", "v0000000001.encodings.enc", "v0000000001.key"), files());
  }

  @Test
  void erasure_writesNewVersionWithoutEveryRowOfTheUnit() throws IOException {
    upload(csv(1, 5000));
    ErasureResult result = store.erase(DATASET, "customer_id", "4321", memory.allocator());

    assertEquals(1, result.rowsRemoved());
    assertEquals(new StoredVersion(DATASET, 2, 4999), result.version());
    try (LoadedDataset erased = store.load(DATASET, 2, memory.allocator())) {
      List<Long> expected = new ArrayList<>(ids(1, 5000));
      expected.remove(Long.valueOf(4321));
      assertEquals(expected, customerIds(erased));
    }
    // The version that held the person is gone: no stored version keeps them.
    assertEquals(List.of(1L), result.versionsRemoved());
    assertEquals(List.of(2L), store.versions(DATASET));
  }

  @Test
  void erasure_removesEveryOlderVersionThatHeldTheUnitAndKeepsTheOthers() throws IOException {
    upload(csv(1, 10)); // v1: units 1..10
    upload(csv(20, 10)); // v2: units 20..29, without 5
    upload(csv(3, 5)); // v3: units 3..7
    assertEquals(1, store.unitRows(DATASET, 1, "customer_id", "5", memory.allocator()));
    assertEquals(0, store.unitRows(DATASET, 2, "customer_id", "5", memory.allocator()));
    assertEquals(1, store.unitRows(DATASET, 3, "customer_id", "5", memory.allocator()));

    ErasureResult result = store.erase(DATASET, "customer_id", "5", memory.allocator());

    assertEquals(new StoredVersion(DATASET, 4, 4), result.version());
    assertEquals(1, result.rowsRemoved());
    assertEquals(List.of(1L, 3L), result.versionsRemoved());
    assertEquals(List.of(2L, 4L), store.versions(DATASET));
    assertEquals(0, store.unitRows(DATASET, 4, "customer_id", "5", memory.allocator()));
    try (LoadedDataset kept = store.load(DATASET, 2, memory.allocator())) {
      assertEquals(ids(20, 10), customerIds(kept));
    }
  }

  @Test
  void unitRows_findsTheUnitAndRefusesAValueOfTheWrongType() throws IOException {
    upload(csv(1, 3));
    assertEquals(1, store.unitRows(DATASET, 1, "customer_id", "2", memory.allocator()));
    assertEquals(0, store.unitRows(DATASET, 1, "customer_id", "99", memory.allocator()));
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () -> store.unitRows(DATASET, 1, "customer_id", "x@example.com", memory.allocator()));
    assertEquals(ConnectorErrorCode.INVALID_ARGUMENT, e.code());
    assertFalse(e.getMessage().contains("example"), e.getMessage());
  }

  @Test
  void erasureDuringAnUpload_waitsAndErasesFromTheUploadedVersion() throws Exception {
    upload(csv(1, 3));
    java.util.concurrent.CompletableFuture<ErasureResult> erasure;
    try (BufferAllocator uploadAllocator =
            memory.allocator().newChildAllocator("upload", 0, Long.MAX_VALUE);
        VersionWriter writer =
            store.beginVersion(DATASET, TestDatasets.customers(), uploadAllocator)) {
      erasure =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> store.erase(DATASET, "customer_id", "11", memory.allocator()));
      Thread.sleep(300);
      assertFalse(erasure.isDone(), "the erasure must wait for the upload");
      new DatasetIngestor()
          .ingest(
              new ByteArrayInputStream(csv(10, 3).getBytes(StandardCharsets.UTF_8)),
              UploadFormat.CSV,
              TestDatasets.customers(),
              TestDatasets.customerRules(),
              uploadAllocator,
              writer::write,
              IngestProgress.NONE);
      writer.commit();
    }
    ErasureResult result = erasure.get(1, java.util.concurrent.TimeUnit.MINUTES);
    assertEquals(new StoredVersion(DATASET, 3, 2), result.version());
    try (LoadedDataset erased = store.load(DATASET, 3, memory.allocator())) {
      assertEquals(List.of(10L, 12L), customerIds(erased));
    }
  }

  @Test
  void requireOneRowPerUnit_acceptsAVersionWithoutRepeatsAndNamesTheRowOfTheFirstRepeatOrNull() {
    IngestRules noUniqueness =
        new IngestRules(
            Set.of("customer_id"),
            Set.of(),
            Set.of(),
            Set.of(),
            IngestRules.DEFAULT_MAX_UPLOAD_BYTES);
    store.upload(
        DATASET,
        TestDatasets.customers(),
        noUniqueness,
        UploadFormat.CSV,
        new ByteArrayInputStream(csv(1, 5000).getBytes(StandardCharsets.UTF_8)),
        memory.allocator(),
        IngestProgress.NONE);
    store.requireOneRowPerUnit(DATASET, 1, "customer_id", memory.allocator());
    // Row 4999 repeats customer 2, across the ingest's batches of 4096 rows.
    String repeated = csv(1, 4998) + csv(2, 1).substring(HEADER.length());
    store.upload(
        DATASET,
        TestDatasets.customers(),
        noUniqueness,
        UploadFormat.CSV,
        new ByteArrayInputStream(repeated.getBytes(StandardCharsets.UTF_8)),
        memory.allocator(),
        IngestProgress.NONE);
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () -> store.requireOneRowPerUnit(DATASET, 2, "customer_id", memory.allocator()));
    assertEquals(ConnectorErrorCode.DUPLICATE_VALUE, e.code());
    assertEquals(
        "row 4999, column 'customer_id': value repeats an earlier row; one row per privacy unit"
            + " is required",
        e.getMessage());
    IngestRules nothing = IngestRules.none();
    store.upload(
        DATASET,
        TestDatasets.customers(),
        nothing,
        UploadFormat.CSV,
        new ByteArrayInputStream(
            (csv(1, 4500) + csv(1, 1).substring(HEADER.length()).replaceFirst("^1,", ","))
                .getBytes(StandardCharsets.UTF_8)),
        memory.allocator(),
        IngestProgress.NONE);
    ConnectorException missing =
        assertThrows(
            ConnectorException.class,
            () -> store.requireOneRowPerUnit(DATASET, 3, "customer_id", memory.allocator()));
    assertEquals(ConnectorErrorCode.NULL_VALUE, missing.code());
    assertEquals("row 4501, column 'customer_id': NULL is not allowed here", missing.getMessage());
  }

  @Test
  void uploadRules_areAskedForOnlyOnceNoOtherWriterHoldsTheDataset() throws Exception {
    java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean asked =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.CompletableFuture<Boolean> decision =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                store.whileNoVersionIsWritten(
                    DATASET,
                    () -> {
                      holding.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return asked.get();
                    }));
    holding.await();
    java.util.concurrent.CompletableFuture<StoredVersion> upload =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                store.upload(
                    DATASET,
                    TestDatasets.customers(),
                    () -> {
                      asked.set(true);
                      return TestDatasets.customerRules();
                    },
                    UploadFormat.CSV,
                    new ByteArrayInputStream(csv(1, 3).getBytes(StandardCharsets.UTF_8)),
                    memory.allocator(),
                    IngestProgress.NONE));
    Thread.sleep(300);
    assertFalse(upload.isDone(), "the upload must wait for the lock");
    release.countDown();
    assertFalse(
        decision.get(1, java.util.concurrent.TimeUnit.MINUTES),
        "the rules were asked for while another held the dataset");
    assertEquals(
        new StoredVersion(DATASET, 1, 3), upload.get(1, java.util.concurrent.TimeUnit.MINUTES));
    assertTrue(asked.get());
  }

  @Test
  void erasureOfNonIntegerUnitInBigintColumn_isRefusedWithoutNewVersion() throws IOException {
    upload(csv(1, 3));
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () -> store.erase(DATASET, "customer_id", "someone@example.com", memory.allocator()));
    assertEquals(ConnectorErrorCode.INVALID_ARGUMENT, e.code());
    assertFalse(e.getMessage().contains("someone"), e.getMessage());
    assertEquals(List.of(1L), store.versions(DATASET));
  }

  @Test
  void masterKeyRotation_rewrapsKeysWithoutTouchingData() throws IOException {
    upload(csv(1, 5));
    upload(csv(10, 5));
    Path data = directory.resolve(DATASET).resolve("v0000000002.arrows.enc");
    byte[] before = Files.readAllBytes(data);
    MasterKey newKey = MasterKey.generate(random);

    assertEquals(2, store.rotateMasterKey(newKey));
    assertEquals(0, store.rotateMasterKey(newKey));

    assertArrayEquals(before, Files.readAllBytes(data));
    DatasetStore withNewKeyOnly = new DatasetStore(directory, MasterKeyRing.of(newKey), random);
    try (LoadedDataset loaded = withNewKeyOnly.load(DATASET, 2, memory.allocator())) {
      assertEquals(ids(10, 5), customerIds(loaded));
    }
    DatasetStore withOldKeyOnly = new DatasetStore(directory, MasterKeyRing.of(masterKey), random);
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () -> withOldKeyOnly.load(DATASET, 1, memory.allocator()).close());
    assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
  }

  @Test
  void rotationDuringAnUpload_rewrapsTheUploadedVersionToo() throws Exception {
    upload(csv(1, 2));
    MasterKey newKey = MasterKey.generate(random);
    java.util.concurrent.CompletableFuture<Integer> rotation;
    try (BufferAllocator uploadAllocator =
            memory.allocator().newChildAllocator("upload", 0, Long.MAX_VALUE);
        VersionWriter writer =
            store.beginVersion(DATASET, TestDatasets.customers(), uploadAllocator)) {
      rotation =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> store.rotateMasterKey(newKey));
      Thread.sleep(300);
      assertFalse(
          rotation.isDone(), "the rotation must wait for the upload begun under the old key");
      new DatasetIngestor()
          .ingest(
              new ByteArrayInputStream(csv(5, 2).getBytes(StandardCharsets.UTF_8)),
              UploadFormat.CSV,
              TestDatasets.customers(),
              TestDatasets.customerRules(),
              uploadAllocator,
              writer::write,
              IngestProgress.NONE);
      writer.commit();
    }
    assertEquals(2, rotation.get(1, java.util.concurrent.TimeUnit.MINUTES));
    DatasetStore withNewKeyOnly = new DatasetStore(directory, MasterKeyRing.of(newKey), random);
    try (LoadedDataset loaded = withNewKeyOnly.load(DATASET, 2, memory.allocator())) {
      assertEquals(ids(5, 2), customerIds(loaded));
    }
  }

  @Test
  void missingVersion_isNotFound() {
    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> store.load(DATASET, 7, memory.allocator()).close());
    assertEquals(ConnectorErrorCode.NOT_FOUND, e.code());
  }

  @Test
  void datasetIdWithPathSeparator_isRefused() {
    ConnectorException e = assertThrows(ConnectorException.class, () -> store.versions("../etc"));
    assertEquals(ConnectorErrorCode.INVALID_ARGUMENT, e.code());
  }

  private StoredVersion upload(String csv) throws IOException {
    DatasetSchema schema = TestDatasets.customers();
    try (BufferAllocator upload =
            memory.allocator().newChildAllocator("upload-test", 0, Long.MAX_VALUE);
        VersionWriter writer = store.beginVersion(DATASET, schema, upload);
        InputStream in = new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))) {
      new DatasetIngestor(1000)
          .ingest(
              in,
              UploadFormat.CSV,
              schema,
              TestDatasets.customerRules(),
              upload,
              writer::write,
              IngestProgress.NONE);
      return writer.commit();
    }
  }

  private byte[] readEncodings(long version) throws IOException {
    try (InputStream in = store.openEncodings(DATASET, version).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  private ConnectorErrorCode encodingsFailure(long version) {
    return assertThrows(ConnectorException.class, () -> readEncodings(version)).code();
  }

  /** Bytes standing in for an engine's encodings, spanning several encrypted chunks. */
  private static byte[] derived(int length) {
    byte[] bytes = new byte[length];
    byte[] text = "derived-value;".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < length; i++) {
      bytes[i] = text[i % text.length];
    }
    return bytes;
  }

  private static String csv(long firstId, int rows) {
    StringBuilder csv = new StringBuilder(HEADER);
    for (long id = firstId; id < firstId + rows; id++) {
      csv.append(id)
          .append(",,z")
          .append(id % 7)
          .append(",30,12.5,3.25,false,1990-01-01,")
          .append("2024-03-01 10:00:00\n");
    }
    return csv.toString();
  }

  private static List<Long> ids(long first, int count) {
    List<Long> ids = new ArrayList<>();
    for (long id = first; id < first + count; id++) {
      ids.add(id);
    }
    return ids;
  }

  private static List<Long> customerIds(LoadedDataset dataset) {
    List<Long> ids = new ArrayList<>();
    for (VectorSchemaRoot batch : dataset.batches()) {
      for (int row = 0; row < batch.getRowCount(); row++) {
        ids.add((Long) ColumnValues.valueAt(batch.getVector(0), row));
      }
    }
    return ids;
  }

  private List<String> files() throws IOException {
    try (Stream<Path> files = Files.list(directory.resolve(DATASET))) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }
}
