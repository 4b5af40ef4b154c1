package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.ArrowTypes;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads Arrow IPC uploads (stream or file) into batches of the declared schema. Column types must
 * equal the declared Arrow types exactly; dictionary-encoded columns are decoded after their
 * indices are checked. The file format is the stream format between a magic number and a footer
 * (which repeats the schema and says where each batch starts, for readers that seek): it is read as
 * the stream it contains, in one pass and without a copy on disk, and the footer is then checked to
 * be where and as long as the file says.
 */
final class ArrowIngest {
  /** "ARROW1", then two bytes of padding at the start of a file. */
  private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

  /** A footer (schema and the batches' places) longer than this is not taken for one. */
  private static final int MAX_FOOTER_BYTES = 64 << 20;

  private ArrowIngest() {}

  static long read(
      LimitedInputStream in,
      UploadFormat format,
      DatasetSchema schema,
      BatchValidator validator,
      BufferAllocator allocator,
      BatchSink sink,
      IngestProgress progress)
      throws IOException {
    if (format == UploadFormat.ARROW_FILE) {
      byte[] start = in.readNBytes(MAGIC.length + 2);
      if (start.length < MAGIC.length + 2
          || !Arrays.equals(Arrays.copyOf(start, MAGIC.length), MAGIC)) {
        throw new ConnectorException(
            ConnectorErrorCode.CORRUPT_FILE, "the upload is not an Arrow IPC file");
      }
    }
    // The stream reader reads each message exactly (no read-ahead): when it has read the end of
    // the stream, what follows in a file is the footer.
    try (ArrowStreamReader reader = new ArrowStreamReader(new KeepOpen(in), allocator)) {
      long rows = readAll(reader, in, schema, validator, allocator, sink, progress);
      if (format == UploadFormat.ARROW_FILE) {
        checkFooter(in);
      }
      return rows;
    }
  }

  /**
   * What follows the stream in a file: a footer of n bytes, n as a little-endian int32, and the
   * magic number, with nothing after it.
   */
  private static void checkFooter(LimitedInputStream in) throws IOException {
    byte[] rest = in.readNBytes(MAX_FOOTER_BYTES + 4 + MAGIC.length);
    int footerBytes = rest.length - 4 - MAGIC.length;
    if (footerBytes <= 0
        || in.read() != -1
        || !Arrays.equals(Arrays.copyOfRange(rest, rest.length - MAGIC.length, rest.length), MAGIC)
        || ByteBuffer.wrap(rest, footerBytes, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()
            != footerBytes) {
      throw new ConnectorException(
          ConnectorErrorCode.CORRUPT_FILE, "the Arrow upload's footer is missing or damaged");
    }
  }

  /** The upload's stream, left open when the reader closes: the footer is read after it. */
  private static final class KeepOpen extends FilterInputStream {
    KeepOpen(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }

  private static long readAll(
      ArrowReader reader,
      LimitedInputStream in,
      DatasetSchema schema,
      BatchValidator validator,
      BufferAllocator allocator,
      BatchSink sink,
      IngestProgress progress) {
    long rows = 0;
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema.arrowSchema(), allocator)) {
      VectorSchemaRoot source = arrow(reader::getVectorSchemaRoot);
      Schema uploaded = source.getSchema();
      List<Field> fields = uploaded.getFields();
      int[] declaredIndex =
          ColumnMatcher.match(fields.stream().map(Field::getName).toList(), schema);
      for (int i = 0; i < fields.size(); i++) {
        checkType(fields.get(i), reader, schema, declaredIndex[i]);
      }
      while (arrow(reader::loadNextBatch)) {
        if (!source.getSchema().equals(uploaded)) {
          throw new ConnectorException(
              ConnectorErrorCode.SCHEMA_CHANGED, "the schema changes inside the stream");
        }
        int count = source.getRowCount();
        if (count == 0) {
          continue;
        }
        batch.clear();
        for (int i = 0; i < fields.size(); i++) {
          FieldVector vector = source.getVector(i);
          FieldVector target = batch.getVector(declaredIndex[i]);
          DictionaryEncoding encoding = fields.get(i).getDictionary();
          if (encoding == null) {
            vector.makeTransferPair(target).transfer();
          } else {
            try (ValueVector decoded = decode(vector, reader, encoding, rows + 1, fields.get(i))) {
              decoded.makeTransferPair(target).transfer();
            }
          }
        }
        batch.setRowCount(count);
        validator.validate(batch, rows + 1);
        rows += count;
        try {
          sink.accept(batch);
        } catch (IOException e) {
          throw new ConnectorException(
              ConnectorErrorCode.STORAGE_FAILURE, "writing the upload failed", e);
        }
        progress.onProgress(in.count(), rows);
      }
    }
    if (rows == 0) {
      throw new ConnectorException(ConnectorErrorCode.EMPTY_UPLOAD, "the upload has no rows");
    }
    return rows;
  }

  private static void checkType(
      Field field, ArrowReader reader, DatasetSchema schema, int declaredIndex) {
    ArrowType type = field.getType();
    if (field.getDictionary() != null) {
      Dictionary dictionary = dictionary(reader, field.getDictionary(), field);
      type = dictionary.getVectorType();
    }
    var declared = schema.column(declaredIndex);
    if (type.isComplex() || !field.getChildren().isEmpty()) {
      throw new ConnectorException(
          ConnectorErrorCode.UNSUPPORTED_TYPE,
          "column '" + declared.name() + "' has a nested type, which is not supported");
    }
    if (!type.equals(ArrowTypes.of(declared.type()))) {
      throw new ConnectorException(
          ConnectorErrorCode.TYPE_MISMATCH,
          "column '"
              + declared.name()
              + "' has Arrow type "
              + type
              + ", declared "
              + declared.type()
              + " is stored as "
              + ArrowTypes.of(declared.type()));
    }
  }

  private static ValueVector decode(
      FieldVector indices,
      ArrowReader reader,
      DictionaryEncoding encoding,
      long firstRow,
      Field field) {
    Dictionary dictionary = dictionary(reader, encoding, field);
    int size = dictionary.getVector().getValueCount();
    BaseIntVector ints = (BaseIntVector) indices;
    for (int i = 0; i < indices.getValueCount(); i++) {
      if (!indices.isNull(i)) {
        long index = ints.getValueAsLong(i);
        if (index < 0 || index >= size) {
          throw new ConnectorException(
              ConnectorErrorCode.CORRUPT_FILE,
              "row "
                  + (firstRow + i)
                  + ", column '"
                  + field.getName()
                  + "': dictionary index out of range");
        }
      }
    }
    return DictionaryEncoder.decode(indices, dictionary);
  }

  private static Dictionary dictionary(
      ArrowReader reader, DictionaryEncoding encoding, Field field) {
    Dictionary dictionary;
    try {
      dictionary = reader.getDictionaryVectors().get(encoding.getId());
    } catch (IOException e) {
      throw corrupt(e);
    }
    if (dictionary == null) {
      throw new ConnectorException(
          ConnectorErrorCode.CORRUPT_FILE,
          "column '" + field.getName() + "' refers to a missing dictionary");
    }
    return dictionary;
  }

  /** Runs a reader call, reporting anything the Arrow reader throws as a corrupt upload. */
  private static <T> T arrow(ArrowCall<T> call) {
    try {
      return call.run();
    } catch (ConnectorException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw corrupt(e);
    }
  }

  // The reader's own messages may describe bytes of the upload, so they are not passed on.
  private static ConnectorException corrupt(Exception e) {
    return new ConnectorException(
        ConnectorErrorCode.CORRUPT_FILE,
        "the Arrow upload is truncated or corrupt (" + e.getClass().getSimpleName() + ")");
  }

  @FunctionalInterface
  private interface ArrowCall<T> {
    T run() throws IOException;
  }
}
