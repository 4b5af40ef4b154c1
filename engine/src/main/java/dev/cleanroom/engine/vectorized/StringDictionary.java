package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/** The distinct strings of a column; a code is an index into {@link #values()}. Immutable. */
final class StringDictionary {
  private final String[] values;
  private volatile Map<String, Integer> codes;
  private volatile int[] sortRanks;

  /**
   * A dictionary of distinct {@code values}; the index from value to code is built on first use.
   */
  StringDictionary(String[] values) {
    this.values = requireNonNull(values, "values is null");
  }

  private static Map<String, Integer> indexOf(String[] values) {
    Map<String, Integer> codes = new HashMap<>(Math.max(16, values.length * 2));
    for (int code = 0; code < values.length; code++) {
      if (codes.putIfAbsent(values[code], code) != null) {
        throw new IllegalArgumentException("dictionary values must be distinct");
      }
    }
    return codes;
  }

  int size() {
    return values.length;
  }

  String value(int code) {
    return values[code];
  }

  /** The code of {@code value}, or -1 if the dictionary does not hold it. */
  int codeOf(String value) {
    Map<String, Integer> index = codes;
    if (index == null) {
      synchronized (this) {
        index = codes;
        if (index == null) {
          index = indexOf(values);
          codes = index;
        }
      }
    }
    Integer code = index.get(value);
    return code == null ? -1 : code;
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
   * different dictionaries be joined on ints.
   */
  int[] translate(StringDictionary other) {
    int[] translation = new int[other.size()];
    for (int code = 0; code < translation.length; code++) {
      translation[code] = codeOf(other.value(code));
    }
    return translation;
  }
}
