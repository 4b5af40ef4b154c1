package dev.cleanroom.server.query;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An answer as one Arrow record batch, for the Arrow IPC download and the Flight SQL endpoint
 * alike. Released aggregates are noised and may be fractional, so every numeric column that is not
 * a whole-number type is a double.
 */
public final class AnswerBatches {
  private AnswerBatches() {}

  /** The Arrow schema of an answer with these columns. */
  public static Schema schema(List<Answer.AnswerColumn> columns) {
    return schema(columns, null);
  }

  /** The Arrow schema of an answer with these columns, carrying {@code metadata}. */
  public static Schema schema(List<Answer.AnswerColumn> columns, Map<String, String> metadata) {
    List<Field> fields = new ArrayList<>();
    for (Answer.AnswerColumn column : columns) {
      fields.add(new Field(column.name(), FieldType.nullable(arrowType(column.type())), null));
    }
    return new Schema(fields, metadata);
  }

  /** Fills {@code batch}, created with {@link #schema}, with the answer's rows in their order. */
  public static void fill(Answer answer, VectorSchemaRoot batch) {
    batch.allocateNew();
    int columns = answer.columns().size();
    for (int c = 0; c < columns; c++) {
      FieldVector vector = batch.getVector(c);
      for (int r = 0; r < answer.rows().size(); r++) {
        set(vector, r, answer.rows().get(r).get(c));
      }
      vector.setValueCount(answer.rows().size());
    }
    batch.setRowCount(answer.rows().size());
  }

  /**
   * The schema of the Arrow IPC download: the answer's columns, each noised one followed by its
   * interval's low and high as doubles ({@link IntervalColumns}).
   */
  static Schema downloadSchema(Answer answer) {
    List<Field> fields = new ArrayList<>();
    for (Answer.AnswerColumn column : answer.columns()) {
      fields.add(new Field(column.name(), FieldType.nullable(arrowType(column.type())), null));
      if (column.noised()) {
        for (String suffix : List.of(IntervalColumns.LOW, IntervalColumns.HIGH)) {
          fields.add(
              new Field(
                  column.name() + suffix,
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null));
        }
      }
    }
    return new Schema(fields);
  }

  /** Fills {@code batch}, created with {@link #downloadSchema}, with the answer's rows. */
  static void fillDownload(Answer answer, VectorSchemaRoot batch) {
    batch.allocateNew();
    int rows = answer.rows().size();
    for (int r = 0; r < rows; r++) {
      List<Object> row = IntervalColumns.row(answer, r);
      for (int c = 0; c < row.size(); c++) {
        set(batch.getVector(c), r, row.get(c));
      }
    }
    for (FieldVector vector : batch.getFieldVectors()) {
      vector.setValueCount(rows);
    }
    batch.setRowCount(rows);
  }

  /** The Arrow type of a column of SQL type {@code sqlType}. */
  public static ArrowType arrowType(String sqlType) {
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
