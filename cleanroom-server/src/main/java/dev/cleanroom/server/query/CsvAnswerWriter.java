package dev.cleanroom.server.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes an answer as RFC 4180 CSV with a header row, each noised column followed by its 95%
 * interval ({@link IntervalColumns}); the privacy report travels in response headers, since CSV has
 * no place for it.
 */
@Provider
@Produces(AnswerFormats.CSV)
public class CsvAnswerWriter implements MessageBodyWriter<Answer> {
  private final ObjectMapper json;

  @Inject
  public CsvAnswerWriter(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public boolean isWriteable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return Answer.class.isAssignableFrom(type);
  }

  @Override
  public void writeTo(
      Answer answer,
      Class<?> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, Object> headers,
      OutputStream out)
      throws IOException {
    PrivacyHeaders.add(answer, headers, json);
    Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    writeRow(writer, List.copyOf(IntervalColumns.header(answer)));
    for (int row = 0; row < answer.rows().size(); row++) {
      writeRow(writer, IntervalColumns.row(answer, row));
    }
    writer.flush();
  }

  private static void writeRow(Writer writer, List<Object> values) throws IOException {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        writer.write(',');
      }
      Object value = values.get(i);
      if (value != null) {
        writer.write(field(value.toString()));
      }
    }
    writer.write("\r\n");
  }

  static String field(String text) {
    boolean quote =
        text.indexOf(',') >= 0
            || text.indexOf('"') >= 0
            || text.indexOf('\n') >= 0
            || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }
}
