package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.QueryMemory;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataTypeField;

/** Reads a table's Arrow batches into columns, decoding only the columns an operator reads. */
final class TableScanOperator {
  private TableScanOperator() {}

  static Relation scan(TableScan scan, ArrowTableData table, QueryContext context) {
    String tableName = String.join(".", scan.getTable().getQualifiedName());
    List<VectorSchemaRoot> batches = table.batches();
    int[] batchStarts = new int[batches.size() + 1];
    for (int b = 0; b < batches.size(); b++) {
      long end = (long) batchStarts[b] + batches.get(b).getRowCount();
      if (end > Integer.MAX_VALUE - 8) {
        throw new ExecutionException(
            ExecutionErrorCode.ROW_LIMIT_EXCEEDED, "table '" + tableName + "' has too many rows");
      }
      batchStarts[b + 1] = (int) end;
    }
    int rowCount = batchStarts[batches.size()];
    List<Supplier<Column>> columns = new ArrayList<>();
    for (RelDataTypeField field : scan.getRowType().getFieldList()) {
      Field arrowField = findField(table, field.getName());
      if (arrowField == null) {
        throw new ExecutionException(
            ExecutionErrorCode.COLUMN_MISMATCH,
            "column '" + field.getName() + "' of table '" + tableName + "' has no Arrow data");
      }
      Types.Kind kind = Types.kind(field.getType());
      String name = arrowField.getName();
      columns.add(() -> decode(table, batches, batchStarts, name, kind, tableName, context));
    }
    return new Relation(rowCount, columns);
  }

  private static Field findField(ArrowTableData table, String name) {
    for (Field field : table.schema().getFields()) {
      if (field.getName().equals(name)) {
        return field;
      }
    }
    return null;
  }

  private static Column decode(
      ArrowTableData table,
      List<VectorSchemaRoot> batches,
      int[] batchStarts,
      String name,
      Types.Kind kind,
      String tableName,
      QueryContext context) {
    int rowCount = batchStarts[batches.size()];
    QueryMemory memory = context.memory();
    switch (kind) {
      case STRING -> {
        for (VectorSchemaRoot batch : batches) {
          if (!(batch.getVector(name) instanceof VarCharVector)) {
            throw mismatch(name, tableName);
          }
        }
        return context.encodings().stringColumn(table, name);
      }
      case LONG -> {
        long[] values = memory.longs(rowCount);
        boolean[] nulls = hasNulls(batches, name) ? memory.booleans(rowCount) : null;
        context.parallelFor(
            batches.size(),
            b -> {
              FieldVector vector = batches.get(b).getVector(name);
              int start = batchStarts[b];
              int count = batches.get(b).getRowCount();
              readLongs(vector, values, nulls, start, count, name, tableName);
            });
        return new LongColumn(values, nulls);
      }
      case DOUBLE -> {
        double[] values = memory.doubles(rowCount);
        boolean[] nulls = hasNulls(batches, name) ? memory.booleans(rowCount) : null;
        context.parallelFor(
            batches.size(),
            b -> {
              FieldVector vector = batches.get(b).getVector(name);
              int start = batchStarts[b];
              int count = batches.get(b).getRowCount();
              if (vector instanceof Float8Vector doubles) {
                if (count == 0) {
                  return;
                }
                // One bulk copy of the data buffer, then the NULL slots as the loop left them: 0.
                doubles
                    .getDataBuffer()
                    .nioBuffer(0, count * Double.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asDoubleBuffer()
                    .get(values, start, count);
                if (nulls != null) {
                  readNulls(doubles, nulls, start, count);
                  for (int i = 0; i < count; i++) {
                    if (nulls[start + i]) {
                      values[start + i] = 0;
                    }
                  }
                }
              } else if (vector instanceof Float4Vector floats) {
                for (int i = 0; i < count; i++) {
                  if (nulls != null && floats.isNull(i)) {
                    nulls[start + i] = true;
                  } else {
                    values[start + i] = floats.get(i);
                  }
                }
              } else {
                throw mismatch(name, tableName);
              }
            });
        return new DoubleColumn(values, nulls);
      }
      case DECIMAL -> {
        Object[] values = memory.objects(rowCount);
        for (int b = 0; b < batches.size(); b++) {
          if (!(batches.get(b).getVector(name) instanceof DecimalVector decimals)) {
            throw mismatch(name, tableName);
          }
          int count = batches.get(b).getRowCount();
          for (int i = 0; i < count; i++) {
            BigDecimal value = decimals.getObject(i);
            values[batchStarts[b] + i] = value;
          }
        }
        return new ObjectColumn(values);
      }
      default -> throw mismatch(name, tableName);
    }
  }

  private static boolean hasNulls(List<VectorSchemaRoot> batches, String name) {
    for (VectorSchemaRoot batch : batches) {
      if (batch.getVector(name).getNullCount() > 0) {
        return true;
      }
    }
    return false;
  }

  private static void readLongs(
      FieldVector vector,
      long[] values,
      boolean[] nulls,
      int start,
      int count,
      String name,
      String tableName) {
    if (nulls != null) {
      readNulls(vector, nulls, start, count);
    }
    boolean mayBeNull = nulls != null;
    if (vector instanceof BigIntVector longs) {
      if (count == 0) {
        return;
      }
      // One bulk copy of the data buffer, then the NULL slots as the loop left them: 0.
      longs
          .getDataBuffer()
          .nioBuffer(0, count * Long.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asLongBuffer()
          .get(values, start, count);
      if (mayBeNull) {
        for (int i = 0; i < count; i++) {
          if (nulls[start + i]) {
            values[start + i] = 0;
          }
        }
      }
    } else if (vector instanceof IntVector ints) {
      for (int i = 0; i < count; i++) {
        if (!mayBeNull || !nulls[start + i]) {
          values[start + i] = ints.get(i);
        }
      }
    } else if (vector instanceof SmallIntVector shorts) {
      for (int i = 0; i < count; i++) {
        if (!mayBeNull || !nulls[start + i]) {
          values[start + i] = shorts.get(i);
        }
      }
    } else if (vector instanceof TinyIntVector bytes) {
      for (int i = 0; i < count; i++) {
        if (!mayBeNull || !nulls[start + i]) {
          values[start + i] = bytes.get(i);
        }
      }
    } else if (vector instanceof DateDayVector days) {
      for (int i = 0; i < count; i++) {
        if (!mayBeNull || !nulls[start + i]) {
          values[start + i] = days.get(i);
        }
      }
    } else if (vector instanceof TimeStampMicroVector micros) {
      // Calcite holds TIMESTAMP(3) as milliseconds; floor so times before 1970 round down too.
      for (int i = 0; i < count; i++) {
        if (!mayBeNull || !nulls[start + i]) {
          values[start + i] = Math.floorDiv(micros.get(i), 1000L);
        }
      }
    } else if (vector instanceof TimeStampMilliVector millis) {
      for (int i = 0; i < count; i++) {
        if (!mayBeNull || !nulls[start + i]) {
          values[start + i] = millis.get(i);
        }
      }
    } else if (vector instanceof BitVector bits) {
      // The bits read in bulk; a NULL slot is 0 as the loop left it.
      byte[] packed = bitsOf(bits.getDataBuffer(), count);
      for (int i = 0; i < count; i++) {
        long bit = (packed[i >>> 3] >>> (i & 7)) & 1;
        values[start + i] = mayBeNull && nulls[start + i] ? 0 : bit;
      }
    } else {
      throw mismatch(name, tableName);
    }
  }

  /** Whether each of a batch's {@code count} values is NULL, from its validity bits in bulk. */
  private static void readNulls(FieldVector vector, boolean[] nulls, int start, int count) {
    if (vector.getNullCount() == 0) {
      Arrays.fill(nulls, start, start + count, false);
      return;
    }
    byte[] validity = bitsOf(vector.getValidityBuffer(), count);
    for (int i = 0; i < count; i++) {
      nulls[start + i] = ((validity[i >>> 3] >>> (i & 7)) & 1) == 0;
    }
  }

  /**
   * The first {@code count} bits of an Arrow bit buffer, as bytes (least significant bit first).
   */
  private static byte[] bitsOf(ArrowBuf buffer, int count) {
    byte[] bytes = new byte[(count + 7) / 8];
    buffer.getBytes(0, bytes);
    return bytes;
  }

  private static ExecutionException mismatch(String name, String tableName) {
    return new ExecutionException(
        ExecutionErrorCode.COLUMN_MISMATCH,
        "column '" + name + "' of table '" + tableName + "' has an unexpected Arrow type");
  }
}
