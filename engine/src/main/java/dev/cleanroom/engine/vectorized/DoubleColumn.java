package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

/** Doubles, with an optional null mask ({@code nulls == null} means no value is null). */
record DoubleColumn(double[] values, boolean[] nulls) implements Column {
  DoubleColumn {
    requireNonNull(values, "values is null");
  }

  @Override
  public boolean isNull(int row) {
    return nulls != null && nulls[row];
  }

  @Override
  public long longAt(int row) {
    throw new IllegalStateException("a double column has no long values");
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
