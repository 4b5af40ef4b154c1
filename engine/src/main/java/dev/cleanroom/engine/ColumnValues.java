package dev.cleanroom.engine;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Reads a stored cell as the Java value docs/ARCHITECTURE.md gives for Calcite and engine rows:
 * {@code Long}, {@code Integer}, {@code Double}, {@code BigDecimal}, {@code String}, {@code
 * Boolean}, DATE as {@code Integer} days and TIMESTAMP as {@code Long} milliseconds (UTC).
 */
public final class ColumnValues {
  private ColumnValues() {}

  /** The value at {@code index}, or null. */
  public static Object valueAt(FieldVector vector, int index) {
    if (vector.isNull(index)) {
      return null;
    }
    if (vector instanceof BigIntVector v) {
      return v.get(index);
    }
    if (vector instanceof IntVector v) {
      return v.get(index);
    }
    if (vector instanceof Float8Vector v) {
      return v.get(index);
    }
    if (vector instanceof DecimalVector v) {
      return v.getObject(index);
    }
    if (vector instanceof VarCharVector v) {
      return new String(v.get(index), StandardCharsets.UTF_8);
    }
    if (vector instanceof BitVector v) {
      return v.get(index) != 0;
    }
    if (vector instanceof DateDayVector v) {
      return v.get(index);
    }
    if (vector instanceof TimeStampMicroVector v) {
      // Calcite's TIMESTAMP(3) is milliseconds; round toward negative infinity like SQL truncation.
      return Math.floorDiv(v.get(index), 1000L);
    }
    throw new IllegalArgumentException(
        "vector '" + vector.getName() + "' is not of a declared type: " + vector.getMinorType());
  }
}
