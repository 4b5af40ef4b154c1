package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.QueryMemory;
import java.math.BigDecimal;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/** The executor's physical representation of each SQL type, and conversion to row values. */
final class Types {
  /** How a SQL type is held in a {@link Column}. */
  enum Kind {
    LONG,
    DOUBLE,
    STRING,
    DECIMAL
  }

  private Types() {}

  static Kind kind(RelDataType type) {
    Kind kind = kindOrNull(type.getSqlTypeName());
    if (kind == null) {
      throw new ExecutionException(
          ExecutionErrorCode.UNSUPPORTED_EXPRESSION,
          "type " + type.getSqlTypeName() + " is not supported by the executor");
    }
    return kind;
  }

  static boolean isSupported(RelDataType type) {
    return kindOrNull(type.getSqlTypeName()) != null;
  }

  private static Kind kindOrNull(SqlTypeName name) {
    return switch (name) {
      case BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, DATE, TIME, TIMESTAMP -> Kind.LONG;
      case DOUBLE, FLOAT, REAL -> Kind.DOUBLE;
      case CHAR, VARCHAR -> Kind.STRING;
      case DECIMAL -> Kind.DECIMAL;
      default -> null;
    };
  }

  /** The value of {@code column} at {@code row} as Calcite's enumerable engine holds it. */
  static Object rowValue(Column column, int row, RelDataType type) {
    if (column.isNull(row)) {
      return null;
    }
    return switch (type.getSqlTypeName()) {
      case BOOLEAN -> column.longAt(row) != 0;
      case TINYINT -> (byte) column.longAt(row);
      case SMALLINT -> (short) column.longAt(row);
      case INTEGER, DATE, TIME -> (int) column.longAt(row);
      case BIGINT, TIMESTAMP -> column.longAt(row);
      case DOUBLE, FLOAT -> column.doubleAt(row);
      case REAL -> (float) column.doubleAt(row);
      case DECIMAL -> (BigDecimal) column.objectAt(row);
      case CHAR, VARCHAR -> (String) column.objectAt(row);
      default ->
          throw new ExecutionException(
              ExecutionErrorCode.UNSUPPORTED_EXPRESSION,
              "type " + type.getSqlTypeName() + " is not supported by the executor");
    };
  }

  /** Turns a value of Calcite's representation into a column value (longs for LONG kinds). */
  static Object columnValue(Object value, Kind kind) {
    if (value == null) {
      return null;
    }
    return switch (kind) {
      case LONG -> value instanceof Boolean bool ? (bool ? 1L : 0L) : ((Number) value).longValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case STRING, DECIMAL -> value;
    };
  }

  /** Builds a column of {@code kind} from values in column representation. */
  static Column columnOf(Object[] values, Kind kind, QueryMemory memory) {
    int count = values.length;
    switch (kind) {
      case LONG -> {
        long[] longs = memory.longs(count);
        boolean[] nulls = null;
        for (int i = 0; i < count; i++) {
          if (values[i] == null) {
            if (nulls == null) {
              nulls = memory.booleans(count);
            }
            nulls[i] = true;
          } else {
            longs[i] = (Long) values[i];
          }
        }
        return new LongColumn(longs, nulls);
      }
      case DOUBLE -> {
        double[] doubles = memory.doubles(count);
        boolean[] nulls = null;
        for (int i = 0; i < count; i++) {
          if (values[i] == null) {
            if (nulls == null) {
              nulls = memory.booleans(count);
            }
            nulls[i] = true;
          } else {
            doubles[i] = (Double) values[i];
          }
        }
        return new DoubleColumn(doubles, nulls);
      }
      default -> {
        return new ObjectColumn(values);
      }
    }
  }
}
