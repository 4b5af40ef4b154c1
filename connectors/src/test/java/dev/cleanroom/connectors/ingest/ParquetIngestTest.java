package dev.cleanroom.connectors.ingest;

import static org.apache.parquet.schema.LogicalTypeAnnotation.dateType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.decimalType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timestampType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ParquetIngestTest {
  private static final String FP = "fp1:" + "d".repeat(64);
  private static final MessageType CUSTOMERS =
      Types.buildMessage()
          .required(INT64)
          .named("customer_id")
          .optional(BINARY)
          .as(stringType())
          .named("email_hash")
          .optional(BINARY)
          .as(stringType())
          .named("zip")
          .optional(INT32)
          .named("age")
          .optional(DOUBLE)
          .named("lifetime_spend")
          .optional(INT64)
          .as(decimalType(2, 10))
          .named("balance")
          .optional(BOOLEAN)
          .named("opted_out")
          .optional(INT32)
          .as(dateType())
          .named("birthday")
          .optional(INT64)
          .as(timestampType(false, LogicalTypeAnnotation.TimeUnit.MILLIS))
          .named("joined")
          .named("customers");

  @TempDir Path directory;
  @RegisterExtension final TestAllocator memory = new TestAllocator();

  @Test
  void validFile_yieldsEngineValuesAcrossRowGroupsAndBatches() throws IOException {
    Path file = writeCustomers(10_000, group -> {});
    RowCollector rows = new RowCollector();
    IngestSummary summary =
        ingest(file, TestDatasets.customerRules(), rows, TestDatasets.customers());

    assertEquals(10_000, summary.rows());
    assertEquals(
        Arrays.asList(
            7L, FP, "z7", 37, 7.5, new BigDecimal("7.25"), true, 19007, 1_700_000_007_000L),
        rows.rows.get(7));
    List<Object> nulls = rows.rows.get(1);
    assertEquals(Arrays.asList(1L, null, null, null), nulls.subList(0, 4));
    assertEquals(10_000, rows.rows.stream().map(row -> row.get(0)).distinct().count());
  }

  /**
   * The same rows written with both page versions, with and without dictionaries (so in plain,
   * dictionary, delta and byte-array-delta encodings), small pages so that batches cross them: the
   * same values come out.
   */
  @Test
  void pageVersionsAndEncodings_yieldTheSameValues() throws IOException {
    List<List<Object>> expected = null;
    for (WriterVersion version : WriterVersion.values()) {
      for (boolean dictionary : new boolean[] {true, false}) {
        Path file =
            write(
                CUSTOMERS,
                5_000,
                (group, i) -> {
                  group.append("customer_id", (long) i * 7919 % 100_003);
                  if (i % 9 == 4) {
                    return;
                  }
                  group
                      .append("email_hash", FP)
                      .append("zip", "zip-" + (i % 97) + (i % 5 == 0 ? "-Zürich" : ""))
                      .append("age", 18 + i % 60)
                      .append("lifetime_spend", i * 0.25)
                      .append("balance", 25L + 100L * i)
                      .append("opted_out", i % 3 == 1)
                      .append("birthday", 19000 + i % 400)
                      .append("joined", 1_700_000_000_000L + 1000L * i);
                },
                builder ->
                    builder
                        .withWriterVersion(version)
                        .withDictionaryEncoding(dictionary)
                        .withPageSize(4 * 1024)
                        .withPageRowCountLimit(700));
        RowCollector rows = new RowCollector();
        ingest(file, TestDatasets.customerRules(), rows, TestDatasets.customers());
        assertEquals(5_000, rows.rows.size());
        if (expected == null) {
          expected = rows.rows;
          assertEquals(
              Arrays.asList(
                  8L * 7919 % 100_003,
                  FP,
                  "zip-8",
                  26,
                  2.0,
                  new BigDecimal("8.25"),
                  false,
                  19008,
                  1_700_000_008_000L),
              expected.get(8));
          assertEquals(Arrays.asList(4L * 7919, null, null, null), expected.get(4).subList(0, 4));
        } else {
          assertEquals(expected, rows.rows, version + ", dictionary " + dictionary);
        }
      }
    }
  }

  /**
   * A file read from memory (up to the bound) and one spooled to disk (over it, by a byte) give the
   * same rows; a truncated file is corrupt either way.
   */
  @Test
  void inMemoryAndSpooled_yieldTheSameRowsAndTheSameRefusals() throws IOException {
    Path file =
        write(
            CUSTOMERS,
            3_000,
            (group, i) ->
                group
                    .append("customer_id", (long) i)
                    .append("email_hash", FP)
                    .append("zip", "zip-" + i % 13)
                    .append("age", 20 + i % 50)
                    .append("lifetime_spend", i * 0.5)
                    .append("balance", 100L * i)
                    .append("opted_out", i % 2 == 0)
                    .append("birthday", 19000 + i)
                    .append("joined", 1_700_000_000_000L + i),
            builder -> builder.withRowGroupSize(16 * 1024L).withPageSize(2 * 1024));
    long size = Files.size(file);
    RowCollector inMemory = readWithin(file, size);
    RowCollector spooled = readWithin(file, size - 1);
    assertEquals(3_000, inMemory.rows.size());
    assertEquals(inMemory.rows, spooled.rows);
    assertEquals(Arrays.asList(2_999L, FP, "zip-9"), inMemory.rows.get(2_999).subList(0, 3));

    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
    for (long bound : new long[] {size, 0}) {
      ConnectorException e = assertThrows(ConnectorException.class, () -> readWithin(file, bound));
      assertEquals(ConnectorErrorCode.CORRUPT_FILE, e.code());
    }
  }

  private RowCollector readWithin(Path file, long inMemoryBytes) throws IOException {
    DatasetSchema schema = TestDatasets.customers();
    RowCollector rows = new RowCollector();
    try (InputStream in = Files.newInputStream(file);
        BatchValidator validator =
            new BatchValidator(schema, TestDatasets.customerRules(), true, 1 << 16)) {
      ParquetIngest.read(
          new LimitedInputStream(in, Long.MAX_VALUE),
          schema,
          validator,
          memory.allocator(),
          500,
          rows,
          IngestProgress.NONE,
          inMemoryBytes);
    }
    return rows;
  }

  @Test
  void nestedColumn_isRefused() throws IOException {
    MessageType nested =
        Types.buildMessage()
            .required(INT64)
            .named("id")
            .optionalGroup()
            .optional(BINARY)
            .as(stringType())
            .named("city")
            .named("address")
            .named("nested");
    Path file = write(nested, 1, (group, i) -> group.append("id", (long) i));
    DatasetSchema declared =
        DatasetSchema.of(
            ColumnDefinition.of("id", "BIGINT"), ColumnDefinition.of("address", "VARCHAR"));
    ConnectorException e = refuse(file, IngestRules.none(), declared);
    assertEquals(ConnectorErrorCode.UNSUPPORTED_TYPE, e.code());
    assertEquals("column 'address' has a nested type, which is not supported", e.getMessage());
  }

  @Test
  void repeatedColumn_isRefused() throws IOException {
    MessageType repeated =
        Types.buildMessage()
            .required(INT64)
            .named("id")
            .repeated(BINARY)
            .as(stringType())
            .named("tags")
            .named("repeated");
    Path file = write(repeated, 1, (group, i) -> group.append("id", (long) i));
    DatasetSchema declared =
        DatasetSchema.of(
            ColumnDefinition.of("id", "BIGINT"), ColumnDefinition.of("tags", "VARCHAR"));
    assertEquals(
        ConnectorErrorCode.UNSUPPORTED_TYPE, refuse(file, IngestRules.none(), declared).code());
  }

  @Test
  void columnOfAnotherType_isRefused() throws IOException {
    MessageType schema = Types.buildMessage().required(BINARY).named("id").named("raw");
    Path file = write(schema, 1, (group, i) -> group.append("id", "x"));
    ConnectorException e =
        refuse(file, IngestRules.none(), DatasetSchema.of(ColumnDefinition.of("id", "BIGINT")));
    assertEquals(ConnectorErrorCode.TYPE_MISMATCH, e.code());
    assertEquals(
        "column 'id' has Parquet type BINARY, which does not match the declared BIGINT",
        e.getMessage());
  }

  @Test
  void nullPrivacyUnit_isRefused() throws IOException {
    MessageType schema = Types.buildMessage().optional(INT64).named("id").named("units");
    Path file =
        write(
            schema,
            3,
            (group, i) -> {
              if (i != 2) {
                group.append("id", (long) i);
              }
            });
    IngestRules rules =
        new IngestRules(
            java.util.Set.of("id"),
            java.util.Set.of(),
            java.util.Set.of(),
            java.util.Set.of(),
            1 << 20);
    ConnectorException e =
        refuse(file, rules, DatasetSchema.of(ColumnDefinition.of("id", "BIGINT")));
    assertEquals(ConnectorErrorCode.NULL_VALUE, e.code());
    assertEquals("row 3, column 'id': NULL is not allowed here", e.getMessage());
  }

  @Test
  void truncatedOrNonParquetFile_isRefusedAsCorrupt() throws IOException {
    Path file = writeCustomers(100, group -> {});
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 20));
    assertEquals(
        ConnectorErrorCode.CORRUPT_FILE,
        refuse(file, IngestRules.none(), TestDatasets.customers()).code());

    Path text = Files.writeString(directory.resolve("not.parquet"), "customer_id\n1\n");
    assertEquals(
        ConnectorErrorCode.CORRUPT_FILE,
        refuse(text, IngestRules.none(), TestDatasets.customers()).code());
  }

  @Test
  void fileWithoutRows_isRefusedAsEmpty() throws IOException {
    Path file = writeCustomers(0, group -> {});
    assertEquals(
        ConnectorErrorCode.EMPTY_UPLOAD,
        refuse(file, IngestRules.none(), TestDatasets.customers()).code());
  }

  private interface RowWriter {
    void fill(Group group, int row);
  }

  private Path writeCustomers(int rows, Consumer<Group> mutation) throws IOException {
    return write(
        CUSTOMERS,
        rows,
        (group, i) -> {
          group.append("customer_id", (long) i);
          if (i == 1) {
            return; // a row of NULLs after the unit
          }
          group
              .append("email_hash", FP)
              .append("zip", "z" + i)
              .append("age", 30 + i)
              .append("lifetime_spend", 0.5 + i)
              .append("balance", 25L + 100L * i)
              .append("opted_out", i % 2 == 1)
              .append("birthday", 19000 + i)
              .append("joined", 1_700_000_000_000L + 1000L * i);
          mutation.accept(group);
        });
  }

  private Path write(MessageType schema, int rows, RowWriter rowWriter) throws IOException {
    return write(schema, rows, rowWriter, builder -> builder);
  }

  private Path write(
      MessageType schema,
      int rows,
      RowWriter rowWriter,
      UnaryOperator<ExampleParquetWriter.Builder> options)
      throws IOException {
    Path file = directory.resolve("upload-" + System.nanoTime() + ".parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> writer =
        options
            .apply(
                ExampleParquetWriter.builder(new LocalOutputFile(file))
                    .withConf(new PlainParquetConfiguration())
                    .withType(schema)
                    .withRowGroupSize(64 * 1024L))
            .build()) {
      for (int i = 0; i < rows; i++) {
        Group group = groups.newGroup();
        rowWriter.fill(group, i);
        writer.write(group);
      }
    }
    return file;
  }

  private IngestSummary ingest(Path file, IngestRules rules, BatchSink sink, DatasetSchema schema)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new DatasetIngestor()
          .ingest(
              in,
              UploadFormat.PARQUET,
              schema,
              rules,
              memory.allocator(),
              sink,
              IngestProgress.NONE);
    }
  }

  private ConnectorException refuse(Path file, IngestRules rules, DatasetSchema schema) {
    return assertThrows(
        ConnectorException.class, () -> ingest(file, rules, new RowCollector(), schema));
  }
}
