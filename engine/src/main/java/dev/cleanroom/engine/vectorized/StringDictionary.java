package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Comparator;

/** The distinct strings of a column; a code is an index into {@link #values()}. Immutable. */
final class StringDictionary {
  private final String[] values;

  /**
   * The index from value to code, built on first use: open addressing, a slot holding a value's
   * hash in its high half and its code + 1 in its low half (0: empty), so a lookup reads one array
   * slot and compares a string only when the hashes match; no map entry or boxed code per value.
   */
  private volatile long[] slots;

  private volatile int[] sortRanks;

  /**
   * A dictionary of distinct {@code values}; the index from value to code is built on first use.
   */
  StringDictionary(String[] values) {
    this.values = requireNonNull(values, "values is null");
  }

  private static long[] indexOf(String[] values) {
    // At least 1.5 slots a value, a power of two.
    int capacity = Integer.highestOneBit(Math.max(16, values.length + values.length / 2)) << 1;
    long[] slots = new long[capacity];
    int mask = capacity - 1;
    for (int code = 0; code < values.length; code++) {
      int hash = hash(values[code]);
      int slot = hash & mask;
      while (slots[slot] != 0) {
        if (matches(slots[slot], hash, values, values[code])) {
          throw new IllegalArgumentException("dictionary values must be distinct");
        }
        slot = (slot + 1) & mask;
      }
      slots[slot] = (long) hash << 32 | (code + 1L);
    }
    return slots;
  }

  private static int hash(String value) {
    int h = value.hashCode() * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private static boolean matches(long slot, int hash, String[] values, String value) {
    return (int) (slot >>> 32) == hash && values[(int) slot - 1].equals(value);
  }

  int size() {
    return values.length;
  }

  String value(int code) {
    return values[code];
  }

  /** The code of {@code value}, or -1 if the dictionary does not hold it. */
  int codeOf(String value) {
    return codeOf(index(), value);
  }

  private int codeOf(long[] index, String value) {
    int mask = index.length - 1;
    int hash = hash(value);
    for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
      long entry = index[slot];
      if (entry == 0) {
        return -1;
      }
      if (matches(entry, hash, values, value)) {
        return (int) entry - 1;
      }
    }
  }

  private long[] index() {
    long[] index = slots;
    if (index == null) {
      synchronized (this) {
        index = slots;
        if (index == null) {
          index = indexOf(values);
          slots = index;
        }
      }
    }
    return index;
  }

  /** For each code, its rank in the string order, so ordering compares ints. */
  int[] sortRanks() {
    int[] ranks = sortRanks;
    if (ranks == null) {
      Integer[] order = new Integer[values.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparing(code -> values[code]));
      ranks = new int[values.length];
      for (int rank = 0; rank < order.length; rank++) {
        ranks[order[rank]] = rank;
      }
      sortRanks = ranks;
    }
    return ranks;
  }

  /**
   * For each code of {@code other}, the code of the same string here, or -1: lets two columns with
   * different dictionaries be joined on ints. The lookups are split across {@code context}'s
   * threads.
   */
  int[] translate(StringDictionary other, QueryContext context) {
    long[] index = index();
    int[] translation = new int[other.size()];
    context.parallelRanges(
        translation.length,
        (part, from, to) -> {
          for (int code = from; code < to; code++) {
            translation[code] = codeOf(index, other.value(code));
          }
        });
    return translation;
  }
}
