package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

/** Longs, with an optional null mask ({@code nulls == null} means no value is null). */
record LongColumn(long[] values, boolean[] nulls) implements Column {
  LongColumn {
    requireNonNull(values, "values is null");
  }

  @Override
  public boolean isNull(int row) {
    return nulls != null && nulls[row];
  }

  @Override
  public long longAt(int row) {
    return values[row];
  }

  @Override
  public double doubleAt(int row) {
    return values[row];
  }

  @Override
  public Object objectAt(int row) {
    return isNull(row) ? null : values[row];
  }
}
