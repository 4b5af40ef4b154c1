package dev.cleanroom.engine.vectorized;

/**
 * The same value on every row: a literal. {@code value} is in the internal representation with
 * longs boxed as {@link Long} (booleans as 0 or 1), doubles as {@link Double}.
 */
record ConstantColumn(Object value) implements Column {
  @Override
  public boolean isNull(int row) {
    return value == null;
  }

  @Override
  public long longAt(int row) {
    return ((Long) value).longValue();
  }

  @Override
  public double doubleAt(int row) {
    return ((Number) value).doubleValue();
  }

  @Override
  public Object objectAt(int row) {
    return value;
  }
}
