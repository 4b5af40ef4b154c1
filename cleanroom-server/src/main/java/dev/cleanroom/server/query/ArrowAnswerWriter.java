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
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.channels.Channels;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;

/**
 * Writes an answer as one Arrow IPC record batch (stream or file format), built by {@link
 * AnswerBatches}, each noised column followed by its 95% interval ({@link IntervalColumns}); the
 * privacy report travels in response headers.
 */
@Provider
@Produces({AnswerFormats.ARROW_STREAM, AnswerFormats.ARROW_FILE})
public class ArrowAnswerWriter implements MessageBodyWriter<Answer> {
  private final BufferAllocator root;
  private final ObjectMapper json;

  @Inject
  public ArrowAnswerWriter(BufferAllocator root, ObjectMapper json) {
    this.root = root;
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
    try (BufferAllocator allocator =
            root.newChildAllocator("answer-" + answer.queryId(), 0, Long.MAX_VALUE);
        VectorSchemaRoot batch =
            VectorSchemaRoot.create(AnswerBatches.downloadSchema(answer), allocator)) {
      AnswerBatches.fillDownload(answer, batch);
      boolean file = mediaType.toString().startsWith(AnswerFormats.ARROW_FILE);
      try (ArrowWriter writer =
          file
              ? new ArrowFileWriter(batch, null, Channels.newChannel(out))
              : new ArrowStreamWriter(batch, null, out)) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
    }
  }
}
