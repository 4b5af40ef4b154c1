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
            for (int i = from; i < to; i++) {
              values[i] = source[rows[i]];
            }
            if (nulls != null) {
              for (int i = from; i < to; i++) {
                nulls[i] = sourceNulls[rows[i]];
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
              values[i] = source[rows[i]];
            }
            if (nulls != null) {
              for (int i = from; i < to; i++) {
                nulls[i] = sourceNulls[rows[i]];
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
