package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

/** Values kept as objects: decimals and computed strings; a null element is NULL. */
record ObjectColumn(Object[] values) implements Column {
  ObjectColumn {
    requireNonNull(values, "values is null");
  }

  @Override
  public boolean isNull(int row) {
    return values[row] == null;
  }

  @Override
  public long longAt(int row) {
    throw new IllegalStateException("an object column has no long values");
  }

  @Override
  public double doubleAt(int row) {
    throw new IllegalStateException("an object column has no double values");
  }

  @Override
  public Object objectAt(int row) {
    return values[row];
  }
}
