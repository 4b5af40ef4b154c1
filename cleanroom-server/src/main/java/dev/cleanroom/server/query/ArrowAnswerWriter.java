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
import java.math.BigDecimal;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes an answer as one Arrow IPC record batch (stream or file format). Released aggregates are
 * noised and may be fractional, so every numeric column that is not a whole-number type is written
 * as a double; the privacy report travels in response headers.
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
    List<Field> fields = new ArrayList<>();
    for (Answer.AnswerColumn column : answer.columns()) {
      fields.add(new Field(column.name(), FieldType.nullable(arrowType(column.type())), null));
    }
    try (BufferAllocator allocator =
            root.newChildAllocator("answer-" + answer.queryId(), 0, Long.MAX_VALUE);
        VectorSchemaRoot batch = VectorSchemaRoot.create(new Schema(fields), allocator)) {
      batch.allocateNew();
      for (int c = 0; c < fields.size(); c++) {
        FieldVector vector = batch.getVector(c);
        for (int r = 0; r < answer.rows().size(); r++) {
          set(vector, r, answer.rows().get(r).get(c));
        }
        vector.setValueCount(answer.rows().size());
      }
      batch.setRowCount(answer.rows().size());
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

  static ArrowType arrowType(String sqlType) {
    String base = sqlType.toUpperCase(Locale.ROOT);
    if (base.startsWith("BIGINT")) {
      return new ArrowType.Int(64, true);
    }
    if (base.startsWith("INTEGER")) {
      return new ArrowType.Int(32, true);
    }
    if (base.startsWith("BOOLEAN")) {
      return ArrowType.Bool.INSTANCE;
    }
    if (base.startsWith("DATE")) {
      return new ArrowType.Date(DateUnit.DAY);
    }
    if (base.startsWith("TIMESTAMP")) {
      return new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
    }
    if (base.startsWith("VARCHAR") || base.startsWith("CHAR")) {
      return ArrowType.Utf8.INSTANCE;
    }
    return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  }

  private static void set(FieldVector vector, int index, Object value) {
    if (value == null) {
      vector.setNull(index);
    } else if (vector instanceof BigIntVector v) {
      v.setSafe(index, ((Number) value).longValue());
    } else if (vector instanceof IntVector v) {
      v.setSafe(index, ((Number) value).intValue());
    } else if (vector instanceof BitVector v) {
      v.setSafe(index, ((Boolean) value) ? 1 : 0);
    } else if (vector instanceof DateDayVector v) {
      v.setSafe(index, (int) LocalDate.parse(value.toString()).toEpochDay());
    } else if (vector instanceof TimeStampMilliVector v) {
      v.setSafe(
          index, LocalDateTime.parse(value.toString()).toInstant(ZoneOffset.UTC).toEpochMilli());
    } else if (vector instanceof VarCharVector v) {
      v.setSafe(index, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof Float8Vector v) {
      v.setSafe(
          index,
          value instanceof BigDecimal decimal
              ? decimal.doubleValue()
              : ((Number) value).doubleValue());
    } else {
      throw new IllegalStateException("no Arrow writer for " + vector.getClass().getSimpleName());
    }
  }
}
