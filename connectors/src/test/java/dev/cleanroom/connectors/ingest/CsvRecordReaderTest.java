package dev.cleanroom.connectors.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.io.FilterReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader's fast path (an unquoted field cut out of the buffer in one piece) and its slow path
 * (character by character, for quoted fields and fields that run past the buffer) must read the
 * same records wherever the buffer's edges fall.
 */
class CsvRecordReaderTest {

  /** Records of every kind of field, written out, read back through reads of {@code chunk}. */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 4096, 1 << 20})
  void recordsReadBack_whateverTheReadsReturn(int chunk) {
    Random random = new Random(42);
    List<List<String>> expected = new ArrayList<>();
    StringBuilder csv = new StringBuilder();
    for (int record = 0; record < 20_000; record++) {
      List<String> fields = new ArrayList<>();
      int width = 1 + random.nextInt(6);
      for (int f = 0; f < width; f++) {
        if (f > 0) {
          csv.append(',');
        }
        switch (random.nextInt(6)) {
          case 0 -> fields.add(null); // unquoted empty: NULL
          case 1 -> {
            String text = "a\"b,c\nd".substring(0, random.nextInt(8));
            fields.add(text);
            csv.append('"').append(text.replace("\"", "\"\"")).append('"');
          }
          default -> {
            String text = "x".repeat(1 + random.nextInt(40)) + random.nextInt(1000);
            fields.add(text);
            csv.append(text);
          }
        }
      }
      expected.add(fields);
      csv.append(random.nextBoolean() ? "\n" : "\r\n");
    }

    CsvRecordReader reader = new CsvRecordReader(new ChunkedReader(csv.toString(), chunk));
    List<List<String>> read = new ArrayList<>();
    List<String> record;
    while ((record = reader.next()) != null) {
      read.add(record);
    }
    assertEquals(expected.size(), read.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), read.get(i), "record " + i);
    }
  }

  @Test
  void lastFieldWithoutLineEnd_isRead() {
    CsvRecordReader reader = new CsvRecordReader(new StringReader("a,bc\nd,ef"));
    assertEquals(List.of("a", "bc"), reader.next());
    assertEquals(List.of("d", "ef"), reader.next());
    assertEquals(null, reader.next());
  }

  @Test
  void trailingCommaAtEndOfInput_isAnEmptyLastField() {
    CsvRecordReader reader = new CsvRecordReader(new StringReader("a,"));
    assertEquals(Arrays.asList("a", null), reader.next());
  }

  /** A quote inside an unquoted field is refused on either path, near a buffer edge or not. */
  @ParameterizedTest
  @ValueSource(ints = {1, 3, 64 * 1024 - 2, 64 * 1024 + 5})
  void quoteInsideUnquotedField_isRefusedWhereverItFalls(int before) {
    String csv = "h\n" + "y".repeat(before) + "\"z\n";
    CsvRecordReader reader = new CsvRecordReader(new StringReader(csv));
    reader.next();
    ConnectorException refused = assertThrows(ConnectorException.class, reader::next);
    assertEquals(ConnectorErrorCode.MALFORMED_CSV, refused.code());
    assertTrue(refused.getMessage().contains("a quote inside an unquoted field"));
  }

  @Test
  void fieldLongerThanTheLimit_isRefused() {
    String csv = "y".repeat(CsvRecordReader.MAX_FIELD_CHARS + 1) + "\n";
    CsvRecordReader reader = new CsvRecordReader(new ChunkedReader(csv, 4 << 20));
    ConnectorException refused = assertThrows(ConnectorException.class, reader::next);
    assertTrue(refused.getMessage().contains("a field longer than"));
  }

  /** Returns at most {@code chunk} characters per read, so buffer edges fall everywhere. */
  private static final class ChunkedReader extends FilterReader {
    private final int chunk;

    ChunkedReader(String text, int chunk) {
      super(new StringReader(text));
      this.chunk = chunk;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      return super.read(buffer, offset, Math.min(length, chunk));
    }
  }
}
