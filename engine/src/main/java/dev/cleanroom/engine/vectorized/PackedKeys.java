package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.QueryMemory;
import java.util.List;

/**
 * Several key columns packed into one long, each shifted into its own bits, when their value ranges
 * fit in 63 bits: dictionary codes, and longs offset by their minimum. NULL is 0 in each field.
 * Equal packed values mean equal keys, so a group-by hashes one word instead of several, and
 * indexes an array directly when the packed range is small.
 */
final class PackedKeys {
  private final int[][] codes;
  private final long[][] longs;
  private final boolean[][] nulls;
  private final long[] minimums;
  private final int[] shifts;
  private final int[] widths;
  private final long range;

  private PackedKeys(
      int[][] codes,
      long[][] longs,
      boolean[][] nulls,
      long[] minimums,
      int[] shifts,
      int[] widths,
      long range) {
    this.codes = codes;
    this.longs = longs;
    this.nulls = nulls;
    this.minimums = minimums;
    this.shifts = shifts;
    this.widths = widths;
    this.range = range;
  }

  /** The packing of {@code keys}, or null when they do not fit in one long. */
  static PackedKeys of(List<Column> keys, int rowCount) {
    int count = keys.size();
    int[][] codes = new int[count][];
    long[][] longs = new long[count][];
    boolean[][] nulls = new boolean[count][];
    long[] minimums = new long[count];
    int[] shifts = new int[count];
    int[] widths = new int[count];
    int bits = 0;
    for (int k = 0; k < count; k++) {
      Column column = keys.get(k);
      long fieldRange;
      if (column instanceof DictionaryColumn dictionary) {
        codes[k] = dictionary.codes();
        fieldRange = dictionary.dictionary().size() + 1L;
      } else if (column instanceof LongColumn longColumn) {
        long[] values = longColumn.values();
        boolean[] nullMask = longColumn.nulls();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < rowCount; i++) {
          if (nullMask == null || !nullMask[i]) {
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
          }
        }
        if (min > max) {
          min = 0;
          max = 0;
        }
        long spread = max - min;
        if (spread < 0 || spread > (1L << 40)) {
          return null;
        }
        longs[k] = values;
        nulls[k] = nullMask;
        minimums[k] = min;
        fieldRange = spread + 2;
      } else {
        return null;
      }
      shifts[k] = bits;
      widths[k] = 64 - Long.numberOfLeadingZeros(fieldRange - 1);
      bits += widths[k];
      if (bits > 62) {
        return null;
      }
    }
    return new PackedKeys(codes, longs, nulls, minimums, shifts, widths, 1L << bits);
  }

  /** An exclusive upper bound of every packed value. */
  long range() {
    return range;
  }

  /**
   * {@link #pack} of rows {@code from .. to} into {@code out} at the same positions, for a range
   * that fits an int; one key is read straight off its array.
   */
  void packInto(int[] out, int from, int to) {
    if (range > Integer.MAX_VALUE) {
      throw new IllegalStateException("the packed range does not fit an int");
    }
    if (shifts.length == 1 && codes[0] != null) {
      int[] column = codes[0];
      for (int i = from; i < to; i++) {
        out[i] = column[i] + 1;
      }
    } else if (shifts.length == 1 && nulls[0] == null) {
      long[] column = longs[0];
      long offset = 1 - minimums[0];
      for (int i = from; i < to; i++) {
        out[i] = (int) (column[i] + offset);
      }
    } else {
      for (int i = from; i < to; i++) {
        out[i] = (int) pack(i);
      }
    }
  }

  long pack(int row) {
    long packed = 0;
    for (int k = 0; k < shifts.length; k++) {
      long field;
      if (codes[k] != null) {
        field = codes[k][row] + 1L;
      } else if (nulls[k] != null && nulls[k][row]) {
        field = 0;
      } else {
        field = longs[k][row] - minimums[k] + 1;
      }
      packed |= field << shifts[k];
    }
    return packed;
  }

  /**
   * Key column {@code k} of {@code count} packed values: {@code column} is that key as packed (its
   * dictionary, and whether it has a null mask, carry over).
   */
  Column unpack(int k, Column column, long[] packed, int count, QueryContext context) {
    int shift = shifts[k];
    long mask = (1L << widths[k]) - 1;
    QueryMemory memory = context.memory();
    if (codes[k] != null) {
      int[] out = memory.ints(count);
      context.parallelRanges(
          count,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              out[i] = (int) ((packed[i] >>> shift) & mask) - 1;
            }
          });
      return new DictionaryColumn(out, ((DictionaryColumn) column).dictionary());
    }
    long[] values = memory.longs(count);
    boolean[] outNulls = nulls[k] != null ? memory.booleans(count) : null;
    long offset = minimums[k] - 1;
    context.parallelRanges(
        count,
        (part, from, to) -> {
          for (int i = from; i < to; i++) {
            long field = (packed[i] >>> shift) & mask;
            // Field 0 is NULL, which only a key with a null mask has.
            boolean isNull = field == 0 && outNulls != null;
            values[i] = isNull ? 0 : field + offset;
            if (isNull) {
              outNulls[i] = true;
            }
          }
        });
    return new LongColumn(values, outNulls);
  }
}
