package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.QueryMemory;

/**
 * Copies the rows of a column into a new column: {@link #rows} reads them in a given order, {@link
 * #toPositions} writes each row to a given position.
 */
final class Gather {
  private Gather() {}

  static Column rows(Column column, int[] rows, int count, QueryContext context) {
    QueryMemory memory = context.memory();
    if (column instanceof ConstantColumn) {
      return column;
    }
    if (column instanceof LongColumn longs) {
      long[] source = longs.values();
      long[] values = memory.longs(count);
      boolean[] sourceNulls = longs.nulls();
      boolean[] nulls = sourceNulls == null ? null : memory.booleans(count);
      context.parallelRanges(
          count,
          (part, from, to) -> {
            if (nulls == null) {
              for (int i = from; i < to; i++) {
                values[i] = source[rows[i]];
              }
            } else {
              // One pass, so that each row number is read once and its two reads overlap.
              for (int i = from; i < to; i++) {
                int row = rows[i];
                values[i] = source[row];
                nulls[i] = sourceNulls[row];
              }
            }
          });
      return new LongColumn(values, nulls);
    }
    if (column instanceof DoubleColumn doubles) {
      double[] source = doubles.values();
      double[] values = memory.doubles(count);
      boolean[] sourceNulls = doubles.nulls();
      boolean[] nulls = sourceNulls == null ? null : memory.booleans(count);
      context.parallelRanges(
          count,
          (part, from, to) -> {
            if (nulls == null) {
              for (int i = from; i < to; i++) {
                values[i] = source[rows[i]];
              }
            } else {
              // One pass, so that each row number is read once and its two reads overlap.
              for (int i = from; i < to; i++) {
                int row = rows[i];
                values[i] = source[row];
                nulls[i] = sourceNulls[row];
              }
            }
          });
      return new DoubleColumn(values, nulls);
    }
    if (column instanceof DictionaryColumn dictionary) {
      int[] source = dictionary.codes();
      int[] codes = memory.ints(count);
      context.parallelRanges(
          count,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              codes[i] = source[rows[i]];
            }
          });
      return new DictionaryColumn(codes, dictionary.dictionary());
    }
    ObjectColumn objects = (ObjectColumn) column;
    Object[] values = memory.objects(count);
    for (int i = 0; i < count; i++) {
      values[i] = objects.values()[rows[i]];
    }
    return new ObjectColumn(values);
  }

  /** Like {@link #rows}, where a row number -1 reads NULL (the unmatched side of an outer join). */
  static Column rowsOrNull(Column column, int[] rows, int count, QueryContext context) {
    QueryMemory memory = context.memory();
    if (column instanceof ConstantColumn constant && constant.value() == null) {
      return column;
    }
    if (column instanceof LongColumn || column instanceof DoubleColumn) {
      boolean isLong = column instanceof LongColumn;
      long[] longs = isLong ? memory.longs(count) : null;
      double[] doubles = isLong ? null : memory.doubles(count);
      boolean[] nulls = memory.booleans(count);
      context.parallelRanges(
          count,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              int row = rows[i];
              nulls[i] = row < 0 || column.isNull(row);
              if (nulls[i]) {
                continue;
              }
              if (isLong) {
                longs[i] = column.longAt(row);
              } else {
                doubles[i] = column.doubleAt(row);
              }
            }
          });
      return isLong ? new LongColumn(longs, nulls) : new DoubleColumn(doubles, nulls);
    }
    if (column instanceof DictionaryColumn dictionary) {
      int[] source = dictionary.codes();
      int[] codes = memory.ints(count);
      context.parallelRanges(
          count,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              codes[i] = rows[i] < 0 ? -1 : source[rows[i]];
            }
          });
      return new DictionaryColumn(codes, dictionary.dictionary());
    }
    if (column instanceof ConstantColumn constant) {
      Object value = constant.value();
      if (value instanceof Long || value instanceof Double) {
        boolean isLong = value instanceof Long;
        long[] longs = isLong ? memory.longs(count) : null;
        double[] doubles = isLong ? null : memory.doubles(count);
        boolean[] nulls = memory.booleans(count);
        for (int i = 0; i < count; i++) {
          nulls[i] = rows[i] < 0;
          if (isLong) {
            longs[i] = (Long) value;
          } else {
            doubles[i] = (Double) value;
          }
        }
        return isLong ? new LongColumn(longs, nulls) : new DoubleColumn(doubles, nulls);
      }
    }
    Object[] values = memory.objects(count);
    for (int i = 0; i < count; i++) {
      values[i] = rows[i] < 0 ? null : column.objectAt(rows[i]);
    }
    return new ObjectColumn(values);
  }

  /**
   * The column with row {@code i} moved to position {@code positionOfRow[i]} (a permutation): the
   * column is read in order, so a radix-partitioned consumer then reads it sequentially too.
   */
  static Column toPositions(Column column, int[] positionOfRow, QueryContext context) {
    QueryMemory memory = context.memory();
    int count = positionOfRow.length;
    if (column instanceof ConstantColumn) {
      return column;
    }
    if (column instanceof LongColumn longs) {
      long[] source = longs.values();
      long[] values = memory.longs(count);
      boolean[] sourceNulls = longs.nulls();
      boolean[] nulls = sourceNulls == null ? null : memory.booleans(count);
      context.parallelRanges(
          count,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              values[positionOfRow[i]] = source[i];
            }
            if (nulls != null) {
              for (int i = from; i < to; i++) {
                nulls[positionOfRow[i]] = sourceNulls[i];
              }
            }
          });
      return new LongColumn(values, nulls);
    }
    if (column instanceof DoubleColumn doubles) {
      double[] source = doubles.values();
      double[] values = memory.doubles(count);
      boolean[] sourceNulls = doubles.nulls();
      boolean[] nulls = sourceNulls == null ? null : memory.booleans(count);
      context.parallelRanges(
          count,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              values[positionOfRow[i]] = source[i];
            }
            if (nulls != null) {
              for (int i = from; i < to; i++) {
                nulls[positionOfRow[i]] = sourceNulls[i];
              }
            }
          });
      return new DoubleColumn(values, nulls);
    }
    if (column instanceof DictionaryColumn dictionary) {
      int[] source = dictionary.codes();
      int[] codes = memory.ints(count);
      context.parallelRanges(
          count,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              codes[positionOfRow[i]] = source[i];
            }
          });
      return new DictionaryColumn(codes, dictionary.dictionary());
    }
    Object[] source = ((ObjectColumn) column).values();
    Object[] values = memory.objects(count);
    for (int i = 0; i < count; i++) {
      values[positionOfRow[i]] = source[i];
    }
    return new ObjectColumn(values);
  }
}
