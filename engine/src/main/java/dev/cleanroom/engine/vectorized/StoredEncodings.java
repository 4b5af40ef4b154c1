package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ArrowTableData;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The executor's string encodings of a table in a stream of bytes, so that they are computed once
 * per stored version rather than at every load: per column its name, its dictionary's values (their
 * UTF-8 bytes and offsets, in code order) and one code per row (-1 for NULL), all integers
 * big-endian, behind a magic and a format version and before a trailer that repeats the number of
 * columns, with nothing after it.
 *
 * <p>Reading checks everything it can without encoding the column again: the format, that each
 * column is a string column of the table with as many rows, that the offsets rise within the bytes,
 * that every code is in range and is -1 exactly where the table's value is NULL, and that each
 * value's length is the length of the table's value in that row. A stream that fails a check is
 * refused whole ({@link IOException}), and the caller encodes the table itself. Whether the values
 * themselves match is not checked: the stream is trusted as far as its storage authenticates it
 * (the server's is encrypted and authenticated for one dataset version).
 */
final class StoredEncodings {
  private static final int MAGIC = 0x43524545; // "CREE"
  private static final int FORMAT = 1;
  private static final int CHUNK_INTS = 1 << 14;

  private StoredEncodings() {}

  /** Writes {@code columns} to {@code out} (which is flushed, not closed). */
  static void write(Map<String, DictionaryColumn> columns, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(MAGIC);
    data.writeInt(FORMAT);
    data.writeInt(columns.size());
    byte[] chunk = new byte[CHUNK_INTS * Integer.BYTES];
    for (Map.Entry<String, DictionaryColumn> column : new TreeMap<>(columns).entrySet()) {
      byte[] name = column.getKey().getBytes(StandardCharsets.UTF_8);
      int[] codes = column.getValue().codes();
      StringDictionary dictionary = column.getValue().dictionary();
      int[] starts = dictionary.valueStarts();
      int size = dictionary.size();
      data.writeInt(name.length);
      data.write(name);
      data.writeInt(codes.length);
      data.writeInt(size);
      data.writeInt(starts[size]);
      writeInts(data, starts, size + 1, chunk);
      data.write(dictionary.valueBytes(), 0, starts[size]);
      writeInts(data, codes, codes.length, chunk);
    }
    data.writeInt(columns.size());
    data.flush();
  }

  /**
   * Reads what {@link #write} wrote for {@code table}: its encoded columns by name.
   *
   * @throws IOException when the stream is not such a stream or does not fit the table
   */
  static Map<String, DictionaryColumn> read(ArrowTableData table, InputStream in)
      throws IOException {
    DataInputStream data = new DataInputStream(in);
    if (data.readInt() != MAGIC) {
      throw malformed("not the executor's stored encodings");
    }
    int format = data.readInt();
    if (format != FORMAT) {
      throw malformed("format " + format + ", this executor reads format " + FORMAT);
    }
    int count = data.readInt();
    Map<String, Field> strings = new HashMap<>();
    for (Field field : table.schema().getFields()) {
      if (field.getType() instanceof ArrowType.Utf8) {
        strings.put(field.getName(), field);
      }
    }
    if (count < 0 || count > strings.size()) {
      throw malformed("declares " + count + " columns");
    }
    int rows = 0;
    for (VectorSchemaRoot batch : table.batches()) {
      rows += batch.getRowCount();
    }
    byte[] chunk = new byte[CHUNK_INTS * Integer.BYTES];
    Map<String, DictionaryColumn> columns = new HashMap<>();
    for (int c = 0; c < count; c++) {
      int nameLength = data.readInt();
      if (nameLength < 0 || nameLength > 1 << 16) {
        throw malformed("a column name of " + nameLength + " bytes");
      }
      String name = new String(data.readNBytes(nameLength), StandardCharsets.UTF_8);
      if (!strings.containsKey(name) || columns.containsKey(name)) {
        throw malformed("a column that is not one of the table's string columns, or twice");
      }
      if (data.readInt() != rows) {
        throw malformed("column '" + name + "' has another number of rows than the table");
      }
      int size = data.readInt();
      int byteLength = data.readInt();
      if (size < 0 || size > rows || byteLength < 0 || byteLength > valueBytes(table, name)) {
        throw malformed("column '" + name + "' declares a dictionary larger than its values");
      }
      int[] starts = readInts(data, size + 1, chunk);
      for (int code = 0; code < size; code++) {
        if (starts[code] > starts[code + 1]) {
          throw malformed("column '" + name + "' has offsets that fall");
        }
      }
      if (starts[0] != 0 || starts[size] != byteLength) {
        throw malformed("column '" + name + "' has offsets that do not cover its values");
      }
      byte[] bytes = data.readNBytes(byteLength);
      if (bytes.length != byteLength) {
        throw new EOFException("stored encodings end inside column '" + name + "'");
      }
      int[] codes = readInts(data, rows, chunk);
      checkCodes(table, name, codes, starts);
      columns.put(name, new DictionaryColumn(codes, new StringDictionary(bytes, starts)));
    }
    if (data.readInt() != count) {
      throw malformed("the trailer does not repeat the number of columns");
    }
    if (data.read() != -1) {
      throw malformed("data after the trailer");
    }
    return columns;
  }

  /** The bytes of all values of column {@code name}: no dictionary of it holds more. */
  private static long valueBytes(ArrowTableData table, String name) {
    long total = 0;
    for (VectorSchemaRoot batch : table.batches()) {
      int count = batch.getRowCount();
      if (count > 0) {
        VarCharVector vector = (VarCharVector) batch.getVector(name);
        total += vector.getEndOffset(count - 1) - vector.getStartOffset(0);
      }
    }
    return total;
  }

  /** Each code in range, -1 exactly for NULL, and the length of the value in its row. */
  private static void checkCodes(ArrowTableData table, String name, int[] codes, int[] starts)
      throws IOException {
    int size = starts.length - 1;
    int row = 0;
    for (VectorSchemaRoot batch : table.batches()) {
      VarCharVector vector = (VarCharVector) batch.getVector(name);
      int count = batch.getRowCount();
      for (int i = 0; i < count; i++, row++) {
        int code = codes[row];
        if (vector.isNull(i)) {
          if (code != -1) {
            throw malformed("column '" + name + "' has a code for a NULL");
          }
          continue;
        }
        if (code < 0 || code >= size) {
          throw malformed("column '" + name + "' has a code out of range");
        }
        int length = vector.getEndOffset(i) - vector.getStartOffset(i);
        if (starts[code + 1] - starts[code] != length) {
          throw malformed("column '" + name + "' has a code whose value has another length");
        }
      }
    }
  }

  private static void writeInts(DataOutputStream out, int[] values, int count, byte[] chunk)
      throws IOException {
    IntBuffer view = ByteBuffer.wrap(chunk).asIntBuffer();
    for (int from = 0; from < count; from += CHUNK_INTS) {
      int n = Math.min(CHUNK_INTS, count - from);
      view.clear();
      view.put(values, from, n);
      out.write(chunk, 0, n * Integer.BYTES);
    }
  }

  private static int[] readInts(DataInputStream in, int count, byte[] chunk) throws IOException {
    int[] values = new int[count];
    IntBuffer view = ByteBuffer.wrap(chunk).asIntBuffer();
    for (int from = 0; from < count; from += CHUNK_INTS) {
      int n = Math.min(CHUNK_INTS, count - from);
      in.readFully(chunk, 0, n * Integer.BYTES);
      view.clear();
      view.get(values, from, n);
    }
    return values;
  }

  private static IOException malformed(String what) {
    return new IOException("stored encodings refused: " + what);
  }
}
