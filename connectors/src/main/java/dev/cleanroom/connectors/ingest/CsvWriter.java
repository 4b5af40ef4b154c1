package dev.cleanroom.connectors.ingest;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes RFC 4180 CSV that {@link CsvRecordReader} reads back unchanged: NULL as an empty unquoted
 * field, the empty string as {@code ""}, CRLF line ends.
 */
public final class CsvWriter {
  private final Writer writer;

  public CsvWriter(Writer writer) {
    this.writer = requireNonNull(writer, "writer is null");
  }

  public void writeRecord(List<String> fields) throws IOException {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        writer.write(',');
      }
      writeField(fields.get(i));
    }
    writer.write("\r\n");
  }

  public void flush() throws IOException {
    writer.flush();
  }

  private void writeField(String field) throws IOException {
    if (field == null) {
      return;
    }
    // Quote surrounding spaces too, so tools that trim unquoted fields keep them.
    boolean quote = field.isEmpty() || !field.strip().equals(field);
    for (int i = 0; i < field.length() && !quote; i++) {
      char c = field.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote) {
      writer.write(field);
      return;
    }
    writer.write('"');
    writer.write(field.replace("\"", "\"\""));
    writer.write('"');
  }
}
