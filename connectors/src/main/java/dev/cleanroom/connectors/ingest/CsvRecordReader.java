package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming RFC 4180 record reader: comma separated, CRLF or LF line ends, fields optionally in
 * double quotes with {@code ""} for a quote. Stricter than most: a quote inside an unquoted field,
 * a character after a closing quote, a lone CR and an unterminated quote are errors. An unquoted
 * empty field is NULL; a quoted empty field is the empty string.
 */
public final class CsvRecordReader {
  /** Bounds memory on hostile input such as a quote that is never closed. */
  static final int MAX_FIELD_CHARS = 1 << 20;

  /** Bounds memory on hostile input such as a line of commas. */
  static final int MAX_FIELDS = 4096;

  /** Bounds one record's characters across all its fields. */
  static final int MAX_RECORD_CHARS = 8 << 20;

  private static final int EOF = -1;

  private final Reader reader;
  private final char[] buffer = new char[64 * 1024];
  private int length;
  private int position;
  private long line = 1;
  private long recordLine;
  private long recordNumber;
  private final StringBuilder field = new StringBuilder();

  public CsvRecordReader(Reader reader) {
    this.reader = reader;
  }

  /** The line on which the record last returned starts (1-based). */
  public long recordLine() {
    return recordLine;
  }

  /** The number of records returned so far, the header included. */
  public long recordNumber() {
    return recordNumber;
  }

  /** The next record's fields (NULL for an unquoted empty field), or null at end of input. */
  public List<String> next() {
    int c = read();
    if (c == EOF) {
      return null;
    }
    recordLine = line;
    recordNumber++;
    List<String> fields = new ArrayList<>();
    long recordChars = 0;
    while (true) {
      if (fields.size() == MAX_FIELDS) {
        throw malformed("a row with more than " + MAX_FIELDS + " fields");
      }
      field.setLength(0);
      boolean quoted = false;
      if (c == '"') {
        quoted = true;
        c = readQuoted();
      } else {
        String whole = c == ',' || c == '\n' || c == '\r' || c == EOF ? null : unquotedInBuffer();
        if (whole != null) {
          recordChars += whole.length();
          if (recordChars > MAX_RECORD_CHARS) {
            throw malformed("a row longer than " + MAX_RECORD_CHARS + " characters");
          }
          fields.add(whole);
          c = read();
          if (c == ',') {
            c = read();
            continue;
          }
          return endOfRecord(c, fields);
        }
        while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
          if (c == '"') {
            throw malformed("a quote inside an unquoted field");
          }
          append(c);
          c = read();
        }
      }
      recordChars += field.length();
      if (recordChars > MAX_RECORD_CHARS) {
        throw malformed("a row longer than " + MAX_RECORD_CHARS + " characters");
      }
      fields.add(quoted || field.length() > 0 ? field.toString() : null);
      if (c == ',') {
        c = read();
        continue;
      }
      return endOfRecord(c, fields);
    }
  }

  /**
   * The fast path of a non-empty unquoted field whose first character was just read: when the field
   * ends inside the buffer, its text, with the position left on its terminator (a comma or line
   * end); null when it runs to the buffer's end, is too long or holds a quote, and then the caller
   * reads it character by character from its first character, the position unchanged.
   */
  private String unquotedInBuffer() {
    int start = position - 1;
    int end = position;
    while (end < length) {
      char ch = buffer[end];
      if (ch == ',' || ch == '\n' || ch == '\r') {
        break;
      }
      if (ch == '"') {
        return null;
      }
      end++;
    }
    // A field inside the buffer is shorter than MAX_FIELD_CHARS: the buffer is.
    if (end == length) {
      return null;
    }
    position = end;
    return new String(buffer, start, end - start);
  }

  /** Ends a record at {@code c} (a line end or end of input) and returns its fields. */
  private List<String> endOfRecord(int c, List<String> fields) {
    if (c == '\r') {
      if (read() != '\n') {
        throw malformed("a carriage return not followed by a line feed");
      }
      c = '\n';
    }
    if (c == '\n') {
      line++;
    }
    return fields;
  }

  /** Reads a quoted field after its opening quote; returns the character after the closing one. */
  private int readQuoted() {
    long startLine = line;
    while (true) {
      int c = read();
      if (c == EOF) {
        throw new ConnectorException(
            ConnectorErrorCode.MALFORMED_CSV,
            "row " + dataRow() + " (line " + startLine + "): unterminated quoted field");
      }
      if (c == '"') {
        int after = read();
        if (after == '"') {
          append('"');
          continue;
        }
        if (after != ',' && after != '\n' && after != '\r' && after != EOF) {
          throw malformed("a character after a closing quote");
        }
        return after;
      }
      if (c == '\n') {
        line++;
      }
      append(c);
    }
  }

  private void append(int c) {
    if (field.length() >= MAX_FIELD_CHARS) {
      throw malformed("a field longer than " + MAX_FIELD_CHARS + " characters");
    }
    field.append((char) c);
  }

  private int read() {
    if (position == length) {
      try {
        length = reader.read(buffer, 0, buffer.length);
      } catch (CharacterCodingException e) {
        throw new ConnectorException(
            ConnectorErrorCode.INVALID_ENCODING,
            "row " + dataRow() + " (near line " + line + "): the upload is not valid UTF-8");
      } catch (IOException e) {
        throw new ConnectorException(
            ConnectorErrorCode.STORAGE_FAILURE, "reading the upload failed", e);
      }
      position = 0;
      if (length <= 0) {
        length = 0;
        return EOF;
      }
    }
    return buffer[position++];
  }

  private ConnectorException malformed(String problem) {
    return new ConnectorException(
        ConnectorErrorCode.MALFORMED_CSV, "row " + dataRow() + " (line " + line + "): " + problem);
  }

  // Row numbers count data rows: the header is row 0.
  private long dataRow() {
    return recordNumber - 1;
  }
}
