package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.spi.ColumnType;
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
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads a Parquet upload (flat schema of primitive columns) into batches of the declared schema.
 * The file is spooled to a temporary file for random access; one row group's pages are in memory at
 * a time, so memory is bounded by the writer's row-group size.
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

  static long read(
      LimitedInputStream in,
      DatasetSchema schema,
      BatchValidator validator,
      BufferAllocator allocator,
      int batchRows,
      BatchSink sink,
      IngestProgress progress)
      throws IOException {
    Path spool = Files.createTempFile("cleanroom-upload-", ".parquet");
    try {
      try (OutputStream out = Files.newOutputStream(spool)) {
        in.transferTo(out);
      }
      ParquetReadOptions options =
          ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
      try (ParquetFileReader reader = open(spool, options)) {
        MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
        List<Type> fields = fileSchema.getFields();
        int[] declaredIndex =
            ColumnMatcher.match(fields.stream().map(Type::getName).toList(), schema);
        Encoding[] encodings = new Encoding[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
          encodings[i] =
              encoding(
                  fields.get(i),
                  schema.column(declaredIndex[i]).type(),
                  schema.column(declaredIndex[i]).name());
        }
        List<ColumnDescriptor> columns = fileSchema.getColumns();
        long rows = 0;
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema.arrowSchema(), allocator)) {
          // Room for a whole batch from the start: fixed-width values are set without a check.
          for (FieldVector vector : batch.getFieldVectors()) {
            vector.setInitialCapacity(batchRows);
          }
          PageReadStore pages;
          while ((pages = corruptOnFailure(reader::readNextRowGroup)) != null) {
            ParquetColumnValues[] readers = new ParquetColumnValues[columns.size()];
            for (int i = 0; i < readers.length; i++) {
              PageReadStore rowGroup = pages;
              ColumnDescriptor column = columns.get(i);
              readers[i] =
                  corruptOnFailure(
                      () -> new ParquetColumnValues(rowGroup.getPageReader(column), column));
            }
            long remaining = pages.getRowCount();
            while (remaining > 0) {
              int count = (int) Math.min(batchRows, remaining);
              batch.clear();
              batch.allocateNew();
              for (int i = 0; i < readers.length; i++) {
                FieldVector vector = batch.getVector(declaredIndex[i]);
                fill(readers[i], encodings[i], vector, count, rows + 1);
              }
              batch.setRowCount(count);
              validator.validate(batch, rows + 1);
              sink.accept(batch);
              rows += count;
              remaining -= count;
              progress.onProgress(in.count(), rows);
            }
          }
        }
        if (rows == 0) {
          throw new ConnectorException(ConnectorErrorCode.EMPTY_UPLOAD, "the upload has no rows");
        }
        return rows;
      }
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  private static ParquetFileReader open(Path file, ParquetReadOptions options) {
    return corruptOnFailure(() -> ParquetFileReader.open(new LocalInputFile(file), options));
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
          if (reader.nextIsDefined()) {
            set(reader.values(), encoding, vector, i, firstRow + i);
          } else {
            vector.setNull(i);
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
   * Strings: a dictionary-encoded page's values copied from the dictionary's entries by id, each
   * entry's bytes taken out of the dictionary once per column chunk; other pages' values where the
   * decoder holds them.
   */
  private static void fillStrings(ParquetColumnValues reader, VarCharVector vector, int count)
      throws IOException {
    for (int i = 0; i < count; i++) {
      if (!reader.nextIsDefined()) {
        vector.setNull(i);
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
      case TIMESTAMP_MILLIS -> {
        try {
          ((TimeStampMicroVector) vector).set(index, Math.multiplyExact(reader.readLong(), 1000L));
        } catch (ArithmeticException e) {
          throw new ConnectorException(
              ConnectorErrorCode.VALUE_OUT_OF_RANGE,
              "row " + row + ", column '" + vector.getName() + "': timestamp is out of range");
        }
      }
      case DECIMAL_INT32 -> setDecimal(vector, index, BigInteger.valueOf(reader.readInteger()));
      case DECIMAL_INT64 -> setDecimal(vector, index, BigInteger.valueOf(reader.readLong()));
      case DECIMAL_BINARY ->
          setDecimal(vector, index, new BigInteger(reader.readBytes().getBytes()));
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
