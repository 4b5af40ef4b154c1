package dev.cleanroom.connectors.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ArrowIngestTest {
  private static final String FP = "fp1:" + "c".repeat(64);

  @TempDir Path directory;
  @RegisterExtension final TestAllocator memory = new TestAllocator();

  @Test
  void streamAndFile_yieldTheSameRowsAsWritten() throws IOException {
    for (UploadFormat format : List.of(UploadFormat.ARROW_STREAM, UploadFormat.ARROW_FILE)) {
      Path file = writeCustomers(format, 3, root -> {});
      RowCollector rows = new RowCollector();
      IngestSummary summary = ingest(file, format, TestDatasets.customerRules(), rows);

      assertEquals(3, summary.rows());
      assertEquals(Files.size(file), summary.bytes());
      assertEquals(
          Arrays.asList(
              2L, FP, "z2", 32, 2.5, new BigDecimal("2.25"), false, 19000, 1_700_000_000_002L),
          rows.rows.get(2),
          format.name());
    }
  }

  @Test
  void severalBatches_areAllRead() throws IOException {
    Path file = directory.resolve("batches.arrows");
    try (VectorSchemaRoot root =
            VectorSchemaRoot.create(TestDatasets.customers().arrowSchema(), memory.allocator());
        OutputStream out = Files.newOutputStream(file);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      writer.start();
      for (int batch = 0; batch < 3; batch++) {
        root.allocateNew();
        for (int i = 0; i < 2; i++) {
          ((BigIntVector) root.getVector("customer_id")).setSafe(i, batch * 2 + i);
        }
        root.setRowCount(2);
        writer.writeBatch();
      }
      writer.end();
    }
    RowCollector rows = new RowCollector();
    ingest(
        file,
        UploadFormat.ARROW_STREAM,
        TestDatasets.customerRules().withMaxUploadBytes(1 << 20),
        rows);
    assertEquals(
        List.of(0L, 1L, 2L, 3L, 4L, 5L), rows.rows.stream().map(row -> row.get(0)).toList());
  }

  @Test
  void dictionaryEncodedColumn_isDecoded() throws IOException {
    Path file = writeDictionaryEncoded(new int[] {1, 0, 1}, 2);
    RowCollector rows = new RowCollector();
    ingest(file, UploadFormat.ARROW_STREAM, IngestRules.none(), rows);
    assertEquals(
        List.of(List.of(0L, "south"), List.of(1L, "north"), List.of(2L, "south")),
        rows.rows.stream().map(row -> row.subList(0, 2)).toList());
  }

  @Test
  void dictionaryIndexOutOfRange_isRefusedAsCorrupt() throws IOException {
    Path file = writeDictionaryEncoded(new int[] {0, 5, 1}, 2);
    ConnectorException e = refuse(file, UploadFormat.ARROW_STREAM, IngestRules.none());
    assertEquals(ConnectorErrorCode.CORRUPT_FILE, e.code());
    assertEquals("row 2, column 'region': dictionary index out of range", e.getMessage());
  }

  @Test
  void badMagic_isRefusedAsCorrupt() throws IOException {
    Path file = writeCustomers(UploadFormat.ARROW_FILE, 3, root -> {});
    byte[] bytes = Files.readAllBytes(file);
    bytes[0] = 'X';
    bytes[bytes.length - 1] = 'X';
    Files.write(file, bytes);
    assertEquals(
        ConnectorErrorCode.CORRUPT_FILE,
        refuse(file, UploadFormat.ARROW_FILE, IngestRules.none()).code());
  }

  @Test
  void damagedFooter_isRefusedAsCorrupt() throws IOException {
    Path file = writeCustomers(UploadFormat.ARROW_FILE, 3, root -> {});
    byte[] bytes = Files.readAllBytes(file);
    // The 4 bytes before the trailing magic hold the footer length.
    byte[] wrongLength = bytes.clone();
    wrongLength[bytes.length - 10] = (byte) 0x7f;
    // A file read as the stream it contains is still refused when its footer is cut short or
    // something follows the trailing magic.
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 20);
    byte[] trailing = Arrays.copyOf(bytes, bytes.length + 3);
    for (byte[] damaged : List.of(wrongLength, cut, trailing)) {
      Files.write(file, damaged);
      ConnectorException e = refuse(file, UploadFormat.ARROW_FILE, IngestRules.none());
      assertEquals(ConnectorErrorCode.CORRUPT_FILE, e.code());
      assertEquals("the Arrow upload's footer is missing or damaged", e.getMessage());
    }
  }

  @Test
  void truncatedStream_isRefusedAsCorrupt() throws IOException {
    Path file = writeCustomers(UploadFormat.ARROW_STREAM, 100, root -> {});
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    assertEquals(
        ConnectorErrorCode.CORRUPT_FILE,
        refuse(file, UploadFormat.ARROW_STREAM, IngestRules.none()).code());
  }

  @Test
  void schemaChangeInsideStream_isRefused() throws IOException {
    Path first = writeCustomers(UploadFormat.ARROW_STREAM, 2, root -> {});
    byte[] firstBytes = Files.readAllBytes(first);
    Path second = writeNested();
    byte[] secondBytes = Files.readAllBytes(second);
    // The first stream without its end-of-stream marker (8 bytes), then another schema.
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    joined.write(firstBytes, 0, firstBytes.length - 8);
    joined.write(secondBytes);
    Path file = Files.write(directory.resolve("changed.arrows"), joined.toByteArray());

    ConnectorException e = refuse(file, UploadFormat.ARROW_STREAM, IngestRules.none());
    assertTrue(
        e.code() == ConnectorErrorCode.SCHEMA_CHANGED
            || e.code() == ConnectorErrorCode.CORRUPT_FILE,
        e.code() + ": " + e.getMessage());
  }

  @Test
  void nestedColumn_isRefused() throws IOException {
    ConnectorException e =
        refuse(writeNested(), UploadFormat.ARROW_STREAM, IngestRules.none(), nestedSchema());
    assertEquals(ConnectorErrorCode.UNSUPPORTED_TYPE, e.code());
    assertEquals("column 'tags' has a nested type, which is not supported", e.getMessage());
  }

  @Test
  void columnOfAnotherType_isRefused() throws IOException {
    DatasetSchema declared =
        DatasetSchema.of(
            ColumnDefinition.of("id", "INTEGER"), ColumnDefinition.of("region", "VARCHAR"));
    ConnectorException e =
        refuse(
            writeDictionaryEncoded(new int[] {0}, 1),
            UploadFormat.ARROW_STREAM,
            IngestRules.none(),
            declared);
    assertEquals(ConnectorErrorCode.TYPE_MISMATCH, e.code());
    assertTrue(
        e.getMessage().startsWith("column 'id' has Arrow type Int(64, true)"), e.getMessage());
  }

  @Test
  void rulesApplyToArrowUploads() throws IOException {
    Path nullUnit =
        writeCustomers(
            UploadFormat.ARROW_FILE,
            3,
            root -> ((BigIntVector) root.getVector("customer_id")).setNull(1));
    ConnectorException e = refuse(nullUnit, UploadFormat.ARROW_FILE, TestDatasets.customerRules());
    assertEquals(ConnectorErrorCode.NULL_VALUE, e.code());
    assertEquals("row 2, column 'customer_id': NULL is not allowed here", e.getMessage());

    Path infinite =
        writeCustomers(
            UploadFormat.ARROW_STREAM,
            3,
            root ->
                ((Float8Vector) root.getVector("lifetime_spend")).set(2, Double.POSITIVE_INFINITY));
    assertEquals(
        ConnectorErrorCode.NON_FINITE_VALUE,
        refuse(infinite, UploadFormat.ARROW_STREAM, TestDatasets.customerRules()).code());

    Path badUtf8 =
        writeCustomers(
            UploadFormat.ARROW_STREAM,
            3,
            root -> ((VarCharVector) root.getVector("zip")).set(0, new byte[] {(byte) 0xc3, 0x28}));
    assertEquals(
        ConnectorErrorCode.INVALID_ENCODING,
        refuse(badUtf8, UploadFormat.ARROW_STREAM, TestDatasets.customerRules()).code());
  }

  @Test
  void streamWithoutRows_isRefusedAsEmpty() throws IOException {
    Path file = writeCustomers(UploadFormat.ARROW_STREAM, 0, root -> {});
    assertEquals(
        ConnectorErrorCode.EMPTY_UPLOAD,
        refuse(file, UploadFormat.ARROW_STREAM, IngestRules.none()).code());
  }

  @Test
  void arrowFileOverTheLimit_isRefused() throws IOException {
    Path file = writeCustomers(UploadFormat.ARROW_FILE, 10, root -> {});
    assertEquals(
        ConnectorErrorCode.UPLOAD_TOO_LARGE,
        refuse(file, UploadFormat.ARROW_FILE, IngestRules.none().withMaxUploadBytes(100)).code());
  }

  private IngestSummary ingest(Path file, UploadFormat format, IngestRules rules, BatchSink sink)
      throws IOException {
    String name = file.getFileName().toString();
    DatasetSchema schema =
        name.startsWith("regions-")
            ? DatasetSchema.of(
                ColumnDefinition.of("id", "BIGINT"), ColumnDefinition.of("region", "VARCHAR"))
            : TestDatasets.customers();
    return ingest(file, format, rules, sink, schema);
  }

  private IngestSummary ingest(
      Path file, UploadFormat format, IngestRules rules, BatchSink sink, DatasetSchema schema)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new DatasetIngestor()
          .ingest(in, format, schema, rules, memory.allocator(), sink, IngestProgress.NONE);
    }
  }

  private ConnectorException refuse(Path file, UploadFormat format, IngestRules rules) {
    return assertThrows(
        ConnectorException.class, () -> ingest(file, format, rules, new RowCollector()));
  }

  private ConnectorException refuse(
      Path file, UploadFormat format, IngestRules rules, DatasetSchema schema) {
    return assertThrows(
        ConnectorException.class, () -> ingest(file, format, rules, new RowCollector(), schema));
  }

  interface Mutation {
    void apply(VectorSchemaRoot root);
  }

  private Path writeCustomers(UploadFormat format, int rows, Mutation mutation) throws IOException {
    Path file = directory.resolve("customers-" + System.nanoTime() + ".arrow");
    try (VectorSchemaRoot root =
        VectorSchemaRoot.create(TestDatasets.customers().arrowSchema(), memory.allocator())) {
      root.allocateNew();
      for (int i = 0; i < rows; i++) {
        ((BigIntVector) root.getVector("customer_id")).setSafe(i, i);
        ((VarCharVector) root.getVector("email_hash"))
            .setSafe(i, FP.getBytes(StandardCharsets.UTF_8));
        ((VarCharVector) root.getVector("zip"))
            .setSafe(i, ("z" + i).getBytes(StandardCharsets.UTF_8));
        ((IntVector) root.getVector("age")).setSafe(i, 30 + i);
        ((Float8Vector) root.getVector("lifetime_spend")).setSafe(i, 0.5 + i);
        ((DecimalVector) root.getVector("balance"))
            .setSafe(i, new BigDecimal("0.25").add(BigDecimal.valueOf(i)));
        ((BitVector) root.getVector("opted_out")).setSafe(i, 0);
        ((DateDayVector) root.getVector("birthday")).setSafe(i, 19000);
        ((TimeStampMicroVector) root.getVector("joined"))
            .setSafe(i, 1_700_000_000_000_000L + i * 1000L);
      }
      root.setRowCount(rows);
      mutation.apply(root);
      writeRoot(file, format, root, null);
    }
    return file;
  }

  private Path writeDictionaryEncoded(int[] indices, int dictionarySize) throws IOException {
    Path file = directory.resolve("regions-" + System.nanoTime() + ".arrows");
    DictionaryEncoding encoding = new DictionaryEncoding(1L, false, new ArrowType.Int(32, true));
    List<String> values = List.of("north", "south", "east");
    try (VarCharVector dictionaryVector =
            new VarCharVector("region-dictionary", memory.allocator());
        BigIntVector ids = new BigIntVector("id", memory.allocator());
        IntVector regions =
            new IntVector(
                "region",
                new FieldType(true, new ArrowType.Int(32, true), encoding),
                memory.allocator())) {
      dictionaryVector.allocateNew();
      for (int i = 0; i < dictionarySize; i++) {
        dictionaryVector.setSafe(i, values.get(i).getBytes(StandardCharsets.UTF_8));
      }
      dictionaryVector.setValueCount(dictionarySize);
      ids.allocateNew();
      regions.allocateNew();
      for (int i = 0; i < indices.length; i++) {
        ids.setSafe(i, i);
        regions.setSafe(i, indices[i]);
      }
      ids.setValueCount(indices.length);
      regions.setValueCount(indices.length);
      DictionaryProvider.MapDictionaryProvider provider =
          new DictionaryProvider.MapDictionaryProvider();
      provider.put(new Dictionary(dictionaryVector, encoding));
      try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(ids, regions))) {
        writeRoot(file, UploadFormat.ARROW_STREAM, root, provider);
      }
    }
    return file;
  }

  private static DatasetSchema nestedSchema() {
    return DatasetSchema.of(
        ColumnDefinition.of("id", "BIGINT"), ColumnDefinition.of("tags", "VARCHAR"));
  }

  private Path writeNested() throws IOException {
    Path file = directory.resolve("nested-" + System.nanoTime() + ".arrows");
    Field tags =
        new Field(
            "tags",
            FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(Field.nullable("item", ArrowType.Utf8.INSTANCE)));
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)), tags));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, memory.allocator())) {
      root.allocateNew();
      ((BigIntVector) root.getVector("id")).setSafe(0, 1);
      ((ListVector) root.getVector("tags")).setNull(0);
      root.setRowCount(1);
      writeRoot(file, UploadFormat.ARROW_STREAM, root, null);
    }
    return file;
  }

  private static void writeRoot(
      Path file, UploadFormat format, VectorSchemaRoot root, DictionaryProvider provider)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        ArrowWriter writer =
            format == UploadFormat.ARROW_FILE
                ? new ArrowFileWriter(root, provider, Channels.newChannel(out))
                : new ArrowStreamWriter(root, provider, out)) {
      writer.start();
      if (root.getRowCount() > 0) {
        writer.writeBatch();
      }
      writer.end();
    }
  }
}
