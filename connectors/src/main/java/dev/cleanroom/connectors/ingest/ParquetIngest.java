package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.spi.ColumnType;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.dictionary.DictionaryValuesReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads a Parquet upload (flat schema of primitive columns) into batches of the declared schema.
 * The file is read whole before its footer can be: into memory up to {@link #IN_MEMORY_BYTES}, else
 * into a temporary file, with one row group's pages in memory at a time, so memory is bounded by
 * that, the writer's row-group size and two batches. The pages are decompressed and decoded on a
 * thread of their own ({@link BatchPipeline}) while the caller's thread checks and stores the batch
 * before.
 */
final class ParquetIngest {
  private ParquetIngest() {}

  /** How one Parquet column is read into its declared vector. */
  private enum Encoding {
    INT64,
    INT32,
    DOUBLE,
    BOOLEAN,
    STRING,
    DECIMAL_INT32,
    DECIMAL_INT64,
    DECIMAL_BINARY,
    DATE,
    TIMESTAMP_MICROS,
    TIMESTAMP_MILLIS
  }

  /**
   * The largest Parquet upload read from memory: a sixteenth of the heap, at most 512 MiB (twice
   * that while it is gathered). A larger one is spooled to a temporary file.
   */
  static final long IN_MEMORY_BYTES = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 16);

  static long read(
      LimitedInputStream in,
      DatasetSchema schema,
      BatchValidator validator,
      BufferAllocator allocator,
      int batchRows,
      BatchSink sink,
      IngestProgress progress)
      throws IOException {
    return read(in, schema, validator, allocator, batchRows, sink, progress, IN_MEMORY_BYTES);
  }

  /** As above, with uploads of up to {@code inMemoryBytes} read from memory. */
  static long read(
      LimitedInputStream in,
      DatasetSchema schema,
      BatchValidator validator,
      BufferAllocator allocator,
      int batchRows,
      BatchSink sink,
      IngestProgress progress,
      long inMemoryBytes)
      throws IOException {
    ParquetReadOptions options =
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
    byte[] head = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, inMemoryBytes + 1));
    if (head.length <= inMemoryBytes) {
      try (ParquetFileReader reader = open(new InMemoryFile(head), options)) {
        return read(reader, in, schema, validator, allocator, batchRows, sink, progress);
      }
    }
    Path spool = Files.createTempFile("cleanroom-upload-", ".parquet");
    try {
      try (OutputStream out = Files.newOutputStream(spool)) {
        out.write(head);
        head = null;
        in.transferTo(out);
      }
      try (ParquetFileReader reader = open(new LocalInputFile(spool), options)) {
        return read(reader, in, schema, validator, allocator, batchRows, sink, progress);
      }
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  private static long read(
      ParquetFileReader reader,
      LimitedInputStream in,
      DatasetSchema schema,
      BatchValidator validator,
      BufferAllocator allocator,
      int batchRows,
      BatchSink sink,
      IngestProgress progress)
      throws IOException {
    MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
    List<Type> fields = fileSchema.getFields();
    int[] declaredIndex = ColumnMatcher.match(fields.stream().map(Type::getName).toList(), schema);
    Encoding[] encodings = new Encoding[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      encodings[i] =
          encoding(
              fields.get(i),
              schema.column(declaredIndex[i]).type(),
              schema.column(declaredIndex[i]).name());
    }
    RowGroups rowGroups =
        new RowGroups(reader, fileSchema.getColumns(), declaredIndex, encodings, batchRows);
    long rows = 0;
    try (BatchPipeline pipeline =
        new BatchPipeline(schema.arrowSchema(), allocator, batchRows, rowGroups::fill)) {
      VectorSchemaRoot batch;
      while ((batch = pipeline.next()) != null) {
        validator.validate(batch, rows + 1);
        sink.accept(batch);
        rows += batch.getRowCount();
        progress.onProgress(in.count(), rows);
      }
    }
    if (rows == 0) {
      throw new ConnectorException(ConnectorErrorCode.EMPTY_UPLOAD, "the upload has no rows");
    }
    return rows;
  }

  /** An upload held in memory, read as a file: a stream over its bytes that seeks. */
  private record InMemoryFile(byte[] bytes) implements InputFile {
    @Override
    public long getLength() {
      return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
      Bytes stream = new Bytes(bytes);
      return new DelegatingSeekableInputStream(stream) {
        @Override
        public long getPos() {
          return stream.position();
        }

        @Override
        public void seek(long position) throws IOException {
          stream.seek(position);
        }
      };
    }

    private static final class Bytes extends ByteArrayInputStream {
      Bytes(byte[] bytes) {
        super(bytes);
      }

      long position() {
        return pos;
      }

      void seek(long position) throws IOException {
        if (position < 0 || position > count) {
          throw new EOFException("a seek beyond the file");
        }
        pos = (int) position;
      }
    }
  }

  /**
   * The file's rows group by group, a batch at a time, on the pipeline's thread: decompressed and
   * decoded there while the caller's thread stores the batch before.
   */
  private static final class RowGroups {
    private final ParquetFileReader reader;
    private final List<ColumnDescriptor> columns;
    private final int[] declaredIndex;
    private final Encoding[] encodings;
    private final int batchRows;
    private ParquetColumnValues[] readers;
    private long remaining;
    private long rows;

    RowGroups(
        ParquetFileReader reader,
        List<ColumnDescriptor> columns,
        int[] declaredIndex,
        Encoding[] encodings,
        int batchRows) {
      this.reader = reader;
      this.columns = columns;
      this.declaredIndex = declaredIndex;
      this.encodings = encodings;
      this.batchRows = batchRows;
    }

    /** Fills {@code batch} with the next rows; false after the last row group. */
    boolean fill(VectorSchemaRoot batch) {
      while (remaining == 0) {
        PageReadStore pages = corruptOnFailure(reader::readNextRowGroup);
        if (pages == null) {
          return false;
        }
        readers = new ParquetColumnValues[columns.size()];
        for (int i = 0; i < readers.length; i++) {
          ColumnDescriptor column = columns.get(i);
          readers[i] =
              corruptOnFailure(() -> new ParquetColumnValues(pages.getPageReader(column), column));
        }
        remaining = pages.getRowCount();
      }
      int count = (int) Math.min(batchRows, remaining);
      for (int i = 0; i < readers.length; i++) {
        ParquetIngest.fill(
            readers[i], encodings[i], batch.getVector(declaredIndex[i]), count, rows + 1);
      }
      batch.setRowCount(count);
      rows += count;
      remaining -= count;
      return true;
    }
  }

  private static ParquetFileReader open(InputFile file, ParquetReadOptions options) {
    return corruptOnFailure(() -> ParquetFileReader.open(file, options));
  }

  private static Encoding encoding(Type field, ColumnType declared, String name) {
    if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
      throw new ConnectorException(
          ConnectorErrorCode.UNSUPPORTED_TYPE,
          "column '" + name + "' has a nested type, which is not supported");
    }
    PrimitiveType primitive = field.asPrimitiveType();
    LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
    Encoding encoding = null;
    ColumnType found = null;
    switch (primitive.getPrimitiveTypeName()) {
      case INT64 -> {
        if (logical == null || isSignedInt(logical, 64)) {
          encoding = Encoding.INT64;
          found = ColumnType.BIGINT;
        } else if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          encoding = Encoding.DECIMAL_INT64;
          found = ColumnType.decimal(d.getPrecision(), d.getScale());
        } else if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t
            && t.getUnit() != LogicalTypeAnnotation.TimeUnit.NANOS) {
          encoding =
              t.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS
                  ? Encoding.TIMESTAMP_MICROS
                  : Encoding.TIMESTAMP_MILLIS;
          found = ColumnType.TIMESTAMP;
        }
      }
      case INT32 -> {
        if (logical == null || isSignedInt(logical, 32)) {
          encoding = Encoding.INT32;
          found = ColumnType.INTEGER;
        } else if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          encoding = Encoding.DECIMAL_INT32;
          found = ColumnType.decimal(d.getPrecision(), d.getScale());
        } else if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          encoding = Encoding.DATE;
          found = ColumnType.DATE;
        }
      }
      case DOUBLE -> {
        encoding = Encoding.DOUBLE;
        found = ColumnType.DOUBLE;
      }
      case BOOLEAN -> {
        encoding = Encoding.BOOLEAN;
        found = ColumnType.BOOLEAN;
      }
      case BINARY, FIXED_LEN_BYTE_ARRAY -> {
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            && primitive.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY) {
          encoding = Encoding.STRING;
          found = ColumnType.VARCHAR;
        } else if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          encoding = Encoding.DECIMAL_BINARY;
          found = ColumnType.decimal(d.getPrecision(), d.getScale());
        }
      }
      default -> {
        // INT96 and FLOAT have no declared type.
      }
    }
    if (found == null || !found.equals(declared)) {
      throw new ConnectorException(
          ConnectorErrorCode.TYPE_MISMATCH,
          "column '"
              + name
              + "' has Parquet type "
              + primitive.getPrimitiveTypeName()
              + (logical == null ? "" : " " + logical)
              + ", which does not match the declared "
              + declared);
    }
    return encoding;
  }

  private static boolean isSignedInt(LogicalTypeAnnotation logical, int bits) {
    return logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i
        && i.isSigned()
        && i.getBitWidth() == bits;
  }

  private static void fill(
      ParquetColumnValues reader, Encoding encoding, FieldVector vector, int count, long firstRow) {
    try {
      if (encoding == Encoding.STRING) {
        fillStrings(reader, (VarCharVector) vector, count);
      } else {
        for (int i = 0; i < count; i++) {
          if (!reader.nextIsDefined()) {
            vector.setNull(i);
          } else if (reader.plain() != null) {
            setPlain(reader.plain(), encoding, vector, i, firstRow + i);
          } else {
            set(reader.values(), encoding, vector, i, firstRow + i);
          }
        }
      }
    } catch (ConnectorException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ConnectorException(
          ConnectorErrorCode.CORRUPT_FILE,
          "column '"
              + vector.getName()
              + "' near row "
              + firstRow
              + " cannot be decoded ("
              + e.getClass().getSimpleName()
              + ")");
    }
    vector.setValueCount(count);
  }

  /**
   * Strings: a plain page's values copied from the page in place; a dictionary-encoded page's
   * values copied from the dictionary's entries by id, each entry's bytes taken out of the
   * dictionary once per column chunk; other pages' values where the decoder holds them.
   */
  private static void fillStrings(ParquetColumnValues reader, VarCharVector vector, int count)
      throws IOException {
    for (int i = 0; i < count; i++) {
      if (!reader.nextIsDefined()) {
        vector.setNull(i);
        continue;
      }
      ByteBuffer plain = reader.plain();
      if (plain != null) {
        int length = plain.getInt();
        if (length < 0 || length > plain.remaining()) {
          throw new ParquetDecodingException("a plain value's length is beyond its page");
        }
        vector.setSafe(i, plain, plain.position(), length);
        plain.position(plain.position() + length);
        continue;
      }
      DictionaryValuesReader ids = reader.dictionaryIds();
      if (ids != null) {
        vector.setSafe(i, reader.dictionaryEntries()[ids.readValueDictionaryId()]);
      } else {
        ByteBuffer bytes = reader.values().readBytes().toByteBuffer();
        vector.setSafe(i, bytes, bytes.position(), bytes.remaining());
      }
    }
  }

  /** One value; fixed-width vectors have room for the batch (see {@code setInitialCapacity}). */
  private static void set(
      ValuesReader reader, Encoding encoding, FieldVector vector, int index, long row) {
    switch (encoding) {
      case INT64 -> ((BigIntVector) vector).set(index, reader.readLong());
      case INT32 -> ((IntVector) vector).set(index, reader.readInteger());
      case DOUBLE -> ((Float8Vector) vector).set(index, reader.readDouble());
      case BOOLEAN -> ((BitVector) vector).set(index, reader.readBoolean() ? 1 : 0);
      case STRING -> throw new IllegalStateException("strings are read by fillStrings");
      case DATE -> ((DateDayVector) vector).set(index, reader.readInteger());
      case TIMESTAMP_MICROS -> ((TimeStampMicroVector) vector).set(index, reader.readLong());
      case TIMESTAMP_MILLIS ->
          setMillis((TimeStampMicroVector) vector, index, reader.readLong(), row);
      case DECIMAL_INT32 -> setDecimal(vector, index, BigInteger.valueOf(reader.readInteger()));
      case DECIMAL_INT64 -> setDecimal(vector, index, BigInteger.valueOf(reader.readLong()));
      case DECIMAL_BINARY ->
          setDecimal(vector, index, new BigInteger(reader.readBytes().getBytes()));
    }
  }

  /** One value of a plain-encoded INT32, INT64 or DOUBLE page, read in place. */
  private static void setPlain(
      ByteBuffer plain, Encoding encoding, FieldVector vector, int index, long row) {
    switch (encoding) {
      case INT64 -> ((BigIntVector) vector).set(index, plain.getLong());
      case INT32 -> ((IntVector) vector).set(index, plain.getInt());
      case DOUBLE -> ((Float8Vector) vector).set(index, plain.getDouble());
      case DATE -> ((DateDayVector) vector).set(index, plain.getInt());
      case TIMESTAMP_MICROS -> ((TimeStampMicroVector) vector).set(index, plain.getLong());
      case TIMESTAMP_MILLIS ->
          setMillis((TimeStampMicroVector) vector, index, plain.getLong(), row);
      case DECIMAL_INT32 -> setDecimal(vector, index, BigInteger.valueOf(plain.getInt()));
      case DECIMAL_INT64 -> setDecimal(vector, index, BigInteger.valueOf(plain.getLong()));
      default ->
          throw new IllegalStateException(encoding + " is not read in place from a plain page");
    }
  }

  private static void setMillis(TimeStampMicroVector vector, int index, long millis, long row) {
    try {
      vector.set(index, Math.multiplyExact(millis, 1000L));
    } catch (ArithmeticException e) {
      throw new ConnectorException(
          ConnectorErrorCode.VALUE_OUT_OF_RANGE,
          "row " + row + ", column '" + vector.getName() + "': timestamp is out of range");
    }
  }

  private static void setDecimal(FieldVector vector, int index, BigInteger unscaled) {
    DecimalVector decimals = (DecimalVector) vector;
    // Precision beyond the declared one is refused by the batch validator, with its row.
    decimals.setSafe(index, new BigDecimal(unscaled, decimals.getScale()));
  }

  private static <T> T corruptOnFailure(ParquetCall<T> call) {
    try {
      return call.run();
    } catch (ConnectorException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // The reader's messages may quote bytes of the upload, so only the kind of failure is kept.
      throw new ConnectorException(
          ConnectorErrorCode.CORRUPT_FILE,
          "the Parquet upload is truncated or corrupt (" + e.getClass().getSimpleName() + ")");
    }
  }

  @FunctionalInterface
  private interface ParquetCall<T> {
    T run() throws IOException;
  }
}
