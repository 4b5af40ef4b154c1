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
import org.apache.calcite.sql.type.SqlTypeName;

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
    List<Relation.RowSelector> selectors = new ArrayList<>();
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
      selectors.add(
          field.getType().getSqlTypeName() == SqlTypeName.BOOLEAN && allBits(batches, name)
              ? (wanted, selected, ctx) ->
                  selectBits(batches, batchStarts, name, wanted, selected, ctx)
              : null);
    }
    return new Relation(rowCount, columns, selectors);
  }

  private static boolean allBits(List<VectorSchemaRoot> batches, String name) {
    for (VectorSchemaRoot batch : batches) {
      if (!(batch.getVector(name) instanceof BitVector)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The rows whose BOOLEAN value is {@code wanted}, read off the Arrow data and validity bits 64
   * rows at a time: each thread takes whole batches and writes their rows at the batches' own
   * offsets, and the batches are then moved together in row order.
   */
  private static int selectBits(
      List<VectorSchemaRoot> batches,
      int[] batchStarts,
      String name,
      boolean wanted,
      int[] selected,
      QueryContext context) {
    int[] found = new int[batches.size()];
    context.parallelFor(
        batches.size(),
        b -> {
          BitVector bits = (BitVector) batches.get(b).getVector(name);
          int count = batches.get(b).getRowCount();
          int start = batchStarts[b];
          ArrowBuf data = bits.getDataBuffer();
          ArrowBuf validity = bits.getNullCount() == 0 ? null : bits.getValidityBuffer();
          int next = start;
          for (int word = 0; word * 64 < count; word++) {
            int rows = Math.min(64, count - word * 64);
            long value = wordOf(data, word, rows);
            long keep = wanted ? value : ~value;
            if (validity != null) {
              keep &= wordOf(validity, word, rows);
            }
            if (rows < 64) {
              keep &= (1L << rows) - 1;
            }
            int base = start + word * 64;
            while (keep != 0) {
              selected[next++] = base + Long.numberOfTrailingZeros(keep);
              keep &= keep - 1;
            }
          }
          found[b] = next - start;
        });
    return FilterOperator.joinParts(selected, batchStarts, found);
  }

  /** Bits {@code [64 word, 64 word + rows)} of an Arrow bit buffer, least significant first. */
  private static long wordOf(ArrowBuf buffer, int word, int rows) {
    long offset = word * 8L;
    if (rows == 64) {
      return buffer.getLong(offset);
    }
    long bits = 0;
    for (int b = 0; b * 8 < rows; b++) {
      bits |= (buffer.getByte(offset + b) & 0xFFL) << (8 * b);
    }
    return bits;
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
