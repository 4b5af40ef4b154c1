package dev.cleanroom.connectors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.crypto.ParquetCryptoRuntimeException;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ParquetVersionWriterTest {
  private static final DatasetSchema EVERY_TYPE =
      DatasetSchema.of(
          ColumnDefinition.of("id", "BIGINT"),
          ColumnDefinition.of("age", "INTEGER"),
          ColumnDefinition.of("spend", "DOUBLE"),
          ColumnDefinition.of("small", "DECIMAL(9,2)"),
          ColumnDefinition.of("medium", "DECIMAL(18,4)"),
          ColumnDefinition.of("large", "DECIMAL(38,10)"),
          ColumnDefinition.of("email", "VARCHAR"),
          ColumnDefinition.of("opted_out", "BOOLEAN"),
          ColumnDefinition.of("birthday", "DATE"),
          ColumnDefinition.of("joined", "TIMESTAMP"));

  @TempDir Path directory;
  @RegisterExtension final TestAllocator memory = new TestAllocator();
  private final SecureRandom random = new SecureRandom();
  private final MasterKey current = MasterKey.generate(random);
  private final MasterKey retired = MasterKey.generate(random);

  @Test
  void everyTypeAndNull_readsBackThroughTheCryptoFactoryAsWritten() throws IOException {
    List<List<Object>> rows = rows(2_500);
    Path version = write(rows, 1_000, current, retired);

    Configuration spark = ParquetForms.sparkHadoopConfiguration(keyFiles(current, retired));
    assertEquals(rows, ParquetForms.read(version, spark));
    assertEquals(List.of(ParquetVersionWriter.PART_FILE), fileNames(version));
  }

  @Test
  void parquetTypes_areThoseSparkReadsForEachDeclaredType() {
    MessageType schema = ParquetVersionWriter.parquetSchema(EVERY_TYPE);
    assertEquals(EVERY_TYPE.names(), schema.getFields().stream().map(f -> f.getName()).toList());
    assertType(schema, "id", PrimitiveTypeName.INT64, null);
    assertType(schema, "age", PrimitiveTypeName.INT32, null);
    assertType(schema, "spend", PrimitiveTypeName.DOUBLE, null);
    assertType(schema, "small", PrimitiveTypeName.INT32, LogicalTypeAnnotation.decimalType(2, 9));
    assertType(schema, "medium", PrimitiveTypeName.INT64, LogicalTypeAnnotation.decimalType(4, 18));
    assertType(
        schema,
        "large",
        PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY,
        LogicalTypeAnnotation.decimalType(10, 38));
    assertEquals(16, schema.getType("large").asPrimitiveType().getTypeLength());
    assertType(schema, "email", PrimitiveTypeName.BINARY, LogicalTypeAnnotation.stringType());
    assertType(schema, "opted_out", PrimitiveTypeName.BOOLEAN, null);
    assertType(schema, "birthday", PrimitiveTypeName.INT32, LogicalTypeAnnotation.dateType());
    assertType(
        schema,
        "joined",
        PrimitiveTypeName.INT64,
        LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
  }

  @Test
  void footerAndEveryColumn_areEncryptedWithAesGcm() throws IOException {
    Path version = write(rows(100), 100, current);
    Configuration spark = ParquetForms.sparkHadoopConfiguration(keyFiles(current));
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            new LocalInputFile(version.resolve(ParquetVersionWriter.PART_FILE)),
            org.apache.parquet.HadoopReadOptions.builder(
                    spark,
                    new org.apache.hadoop.fs.Path(
                        version.resolve(ParquetVersionWriter.PART_FILE).toUri()))
                .build())) {
      assertEquals(
          EVERY_TYPE.names(),
          reader.getFooter().getFileMetaData().getSchema().getFields().stream()
              .map(f -> f.getName())
              .toList());
      for (var column : reader.getFooter().getBlocks().get(0).getColumns()) {
        assertTrue(column.isEncrypted(), column.getPath() + " is encrypted");
      }
    }
    byte[] bytes = Files.readAllBytes(version.resolve(ParquetVersionWriter.PART_FILE));
    String tail = new String(bytes, bytes.length - 4, 4, StandardCharsets.US_ASCII);
    assertEquals("PARE", tail, "an encrypted footer ends with PARE");
  }

  @Test
  void fileReadWithoutTheKeySettings_fails() throws IOException {
    Path version = write(rows(10), 10, current);
    ParquetCryptoRuntimeException e =
        assertThrows(
            ParquetCryptoRuntimeException.class,
            () -> ParquetForms.read(version, new Configuration(false)));
    assertEquals("Trying to read file with encrypted footer. No keys available", e.getMessage());
    assertThrows(
        ParquetCryptoRuntimeException.class,
        () ->
            ParquetFileReader.open(
                    new LocalInputFile(version.resolve(ParquetVersionWriter.PART_FILE)),
                    ParquetReadOptions.builder(new PlainParquetConfiguration()).build())
                .close());
  }

  @Test
  void fileReadWithAnotherMasterKey_isRefusedByTheKeyId() throws IOException {
    Path version = write(rows(10), 10, current);
    MasterKey other = MasterKey.generate(random);
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () ->
                ParquetForms.read(version, ParquetForms.sparkHadoopConfiguration(keyFiles(other))));
    assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
    assertEquals("no configured master key has id '" + current.id() + "'", e.getMessage());
  }

  @Test
  void flippedByte_failsTheRead() throws IOException {
    Path version = write(rows(2_000), 1_000, current);
    Path file = version.resolve(ParquetVersionWriter.PART_FILE);
    byte[] original = Files.readAllBytes(file);
    Configuration spark = ParquetForms.sparkHadoopConfiguration(keyFiles(current));
    // In the first data pages, in the middle, and in the encrypted footer.
    for (int position : new int[] {100, original.length / 2, original.length - 200}) {
      byte[] flipped = original.clone();
      flipped[position] ^= 0x01;
      Files.write(file, flipped);
      assertThrows(
          RuntimeException.class,
          () -> ParquetForms.read(version, spark),
          "flipped byte at " + position + " of " + original.length);
    }
    Files.write(file, original);
    assertEquals(2_000, ParquetForms.read(version, spark).size());
  }

  @Test
  void fileBytes_holdNoPlaintextCellValueNorColumnName() throws IOException {
    DatasetSchema schema =
        DatasetSchema.of(
            ColumnDefinition.of("customer_email", "VARCHAR"),
            ColumnDefinition.of("customer_number", "BIGINT"));
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // Few distinct values, so Parquet dictionary-encodes them: the dictionary is encrypted too.
      rows.add(List.of("alice.secret" + (i % 3) + "@example.com", 7_766_554_433_221_100L + i % 3));
    }
    Path version = directory.resolve("plain-test");
    try (VectorSchemaRoot batch =
            VectorSchemaRoot.create(schema.arrowSchema(), memory.allocator());
        ParquetVersionWriter writer =
            ParquetVersionWriter.open(version, schema.arrowSchema(), List.of(current))) {
      ParquetForms.fill(batch, schema, rows);
      writer.write(batch);
      writer.finish();
    }
    byte[] bytes = Files.readAllBytes(version.resolve(ParquetVersionWriter.PART_FILE));
    List<byte[]> plaintexts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      plaintexts.add(("alice.secret" + i + "@example.com").getBytes(StandardCharsets.UTF_8));
      plaintexts.add(littleEndian(7_766_554_433_221_100L + i));
    }
    plaintexts.add("alice.secret".getBytes(StandardCharsets.UTF_8));
    plaintexts.add("customer_email".getBytes(StandardCharsets.UTF_8));
    plaintexts.add("customer_number".getBytes(StandardCharsets.UTF_8));
    for (byte[] plaintext : plaintexts) {
      assertFalse(
          contains(bytes, plaintext),
          "file holds " + new String(plaintext, StandardCharsets.ISO_8859_1));
    }
    assertEquals(
        rows, ParquetForms.read(version, ParquetForms.sparkHadoopConfiguration(keyFiles(current))));
  }

  @Test
  void unfinishedWriter_leavesNoParquetFile() throws IOException {
    Path version = directory.resolve("unfinished");
    try (VectorSchemaRoot batch =
            VectorSchemaRoot.create(EVERY_TYPE.arrowSchema(), memory.allocator());
        ParquetVersionWriter writer =
            ParquetVersionWriter.open(version, EVERY_TYPE.arrowSchema(), List.of(current))) {
      ParquetForms.fill(batch, EVERY_TYPE, rows(100));
      writer.write(batch);
    }
    assertEquals(List.of(), fileNames(version));
  }

  @Test
  void sparkSettings_nameTheFactoryTheClientAndTheKeyFiles() throws IOException {
    List<Path> files = keyFiles(current, retired);
    String paths = files.get(0).toAbsolutePath() + "," + files.get(1).toAbsolutePath();
    assertEquals(
        Map.of(
            "spark.hadoop.parquet.crypto.factory.class",
            "org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory",
            "spark.hadoop.parquet.encryption.kms.client.class",
            "dev.cleanroom.connectors.crypto.MasterKeyKmsClient",
            "spark.hadoop.cleanroom.master-key-files",
            paths,
            "spark.hadoop.parquet.encryption.key.access.token",
            "cleanroom-keys:" + current.id() + "," + retired.id(),
            "spark.cleanroom.master-key-files",
            paths),
        ParquetVersionWriter.sparkSettings(files));
  }

  private Path write(List<List<Object>> rows, int batchRows, MasterKey... keys) throws IOException {
    Path version = directory.resolve("v1");
    try (VectorSchemaRoot batch =
            VectorSchemaRoot.create(EVERY_TYPE.arrowSchema(), memory.allocator());
        ParquetVersionWriter writer =
            ParquetVersionWriter.open(version, EVERY_TYPE.arrowSchema(), List.of(keys))) {
      for (int start = 0; start < rows.size(); start += batchRows) {
        ParquetForms.fill(
            batch, EVERY_TYPE, rows.subList(start, Math.min(rows.size(), start + batchRows)));
        writer.write(batch);
        batch.clear();
      }
      assertEquals(rows.size(), writer.finish());
    }
    return version;
  }

  private List<Path> keyFiles(MasterKey... keys) throws IOException {
    return ParquetForms.keyFiles(Files.createTempDirectory(directory, "keys"), keys);
  }

  /** Rows with every type, a NULL in each column on its own rhythm, and extreme values. */
  private static List<List<Object>> rows(int count) {
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Object[] row = {
        i == 1 ? Long.MIN_VALUE : i == 2 ? Long.MAX_VALUE : (long) i * 1_000_003L - 500_000L,
        i == 3 ? Integer.MIN_VALUE : i % 90,
        i == 4 ? Double.NaN : i == 5 ? Double.NEGATIVE_INFINITY : i * 1.25 - 7,
        new BigDecimal(i % 2 == 0 ? "-9999999.99" : "1234.5").add(BigDecimal.valueOf(i, 2)),
        new BigDecimal("-12345678901234.5678").add(BigDecimal.valueOf(i, 4)),
        new BigDecimal(
                i % 2 == 0
                    ? "9999999999999999999999999999.9999999999"
                    : "-1234567890123456789012345678.0000000001")
            .subtract(BigDecimal.valueOf(i, 10)),
        i == 6 ? "" : i == 7 ? "zoë ☃ 東京" : "person-" + (i % 17) + "@example.com",
        i % 3 == 0,
        i == 8 ? -719_162 : 10_000 + i,
        i == 9 ? -62_135_596_800_000_000L : 1_700_000_000_000_000L + i * 1_000_001L
      };
      for (int c = 0; c < row.length; c++) {
        if ((i + c) % (7 + c) == 0) {
          row[c] = null;
        }
      }
      rows.add(Arrays.asList(row));
    }
    return rows;
  }

  private static void assertType(
      MessageType schema, String name, PrimitiveTypeName primitive, LogicalTypeAnnotation logical) {
    PrimitiveType type = schema.getType(name).asPrimitiveType();
    assertEquals(primitive, type.getPrimitiveTypeName(), name);
    assertEquals(logical, type.getLogicalTypeAnnotation(), name);
    assertTrue(type.isRepetition(org.apache.parquet.schema.Type.Repetition.OPTIONAL), name);
  }

  private static List<String> fileNames(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private static byte[] littleEndian(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
