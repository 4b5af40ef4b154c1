package dev.cleanroom.connectors.executor;

/** Copies the rows {@code rows[0..count)} of a column, in that order, into a new column. */
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
}
