package dev.cleanroom.engine.vectorized;

/**
 * One column of an intermediate result, held in primitive arrays. Booleans, integers, dates and
 * timestamps are longs (booleans 0 or 1, timestamps in milliseconds); strings are dictionary codes
 * where they come from a table; decimals and computed strings are objects.
 */
sealed interface Column
    permits LongColumn, DoubleColumn, DictionaryColumn, ObjectColumn, ConstantColumn {
  boolean isNull(int row);

  /** The value of a long column (booleans 0 or 1). */
  long longAt(int row);

  /** The value as a double, for double and long columns. */
  double doubleAt(int row);

  /** The value in Calcite's internal representation, but longs boxed as {@link Long}. */
  Object objectAt(int row);
}
