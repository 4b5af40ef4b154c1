package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The distinct strings of a column; a code is an index into them. Immutable.
 *
 * <p>The values are kept as their UTF-8 bytes, back to back in one array, with one array of start
 * offsets: a dictionary of millions of fingerprints is two objects for the garbage collector to
 * mark, not two per value (a {@code String} and its {@code byte[]}), and two dictionaries are
 * compared byte range against byte range. {@link #value} decodes a {@code String} when one is asked
 * for. A value with a lone surrogate (which UTF-8 cannot hold, and which only a computed string can
 * have: stored columns are decoded from UTF-8) is kept as the generalized UTF-8 of its chars, so
 * distinct strings keep distinct bytes, and the given strings are kept besides for {@link #value}.
 */
final class StringDictionary {
  /** The longest array the JVM allocates everywhere. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The values' bytes, one after the other. */
  private final byte[] bytes;

  /** {@code size() + 1} offsets: value {@code c} is {@code bytes[starts[c] .. starts[c + 1])}. */
  private final int[] starts;

  /** The strings as given, only when one of them has a lone surrogate; else null. */
  private final String[] givenValues;

  /**
   * The index from value to code, built on first use: open addressing, a slot holding a value's
   * hash in its high half and its code + 1 in its low half (0: empty), so a lookup reads one array
   * slot and compares bytes only when the hashes match.
   */
  private volatile long[] slots;

  private volatile int[] sortRanks;

  /** Each value's encoding by an encoder (a keyed hash's), computed once per encoder. */
  private final Map<Function<Object, byte[]>, Encodings> encodings = new IdentityHashMap<>();

  /**
   * A dictionary of distinct {@code values}; the index from value to code is built on first use.
   */
  StringDictionary(String[] values) {
    requireNonNull(values, "values is null");
    byte[][] encoded = new byte[values.length][];
    boolean loneSurrogates = false;
    long length = 0;
    for (int code = 0; code < values.length; code++) {
      String value = requireNonNull(values[code], "a dictionary value is null");
      if (hasSurrogate(value)) {
        encoded[code] = generalizedUtf8(value);
        loneSurrogates |= !value.equals(new String(encoded[code], StandardCharsets.UTF_8));
      } else {
        encoded[code] = value.getBytes(StandardCharsets.UTF_8);
      }
      length += encoded[code].length;
    }
    if (length > MAX_ARRAY) {
      throw new IllegalArgumentException("dictionary values are too long together");
    }
    this.bytes = new byte[(int) length];
    this.starts = new int[values.length + 1];
    int position = 0;
    for (int code = 0; code < values.length; code++) {
      starts[code] = position;
      System.arraycopy(encoded[code], 0, bytes, position, encoded[code].length);
      position += encoded[code].length;
    }
    starts[values.length] = position;
    this.givenValues = loneSurrogates ? values.clone() : null;
  }

  /**
   * A dictionary over UTF-8 values {@code bytes[starts[c] .. starts[c + 1])}, taken as they are
   * (not copied); the values must be distinct.
   */
  StringDictionary(byte[] bytes, int[] starts) {
    this.bytes = requireNonNull(bytes, "bytes is null");
    this.starts = requireNonNull(starts, "starts is null");
    if (starts.length == 0 || starts[0] != 0 || starts[starts.length - 1] > bytes.length) {
      throw new IllegalArgumentException("starts do not cover the bytes");
    }
    this.givenValues = null;
  }

  int size() {
    return starts.length - 1;
  }

  /** The values' UTF-8 bytes back to back (not copied: never modify). */
  byte[] valueBytes() {
    return bytes;
  }

  /** {@code size() + 1} offsets into {@link #valueBytes()} (not copied: never modify). */
  int[] valueStarts() {
    return starts;
  }

  /** The value of {@code code} as a string (decoded on each call). */
  String value(int code) {
    if (givenValues != null) {
      return givenValues[code];
    }
    int start = starts[code];
    return new String(bytes, start, starts[code + 1] - start, StandardCharsets.UTF_8);
  }

  /** The code of {@code value}, or -1 if the dictionary does not hold it. */
  int codeOf(String value) {
    byte[] key =
        hasSurrogate(value) ? generalizedUtf8(value) : value.getBytes(StandardCharsets.UTF_8);
    return codeOf(index(), key, 0, key.length);
  }

  private int codeOf(long[] index, byte[] key, int from, int to) {
    int mask = index.length - 1;
    int hash = hash(key, from, to);
    for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
      long entry = index[slot];
      if (entry == 0) {
        return -1;
      }
      if (matches(entry, hash, key, from, to)) {
        return (int) entry - 1;
      }
    }
  }

  private boolean matches(long entry, int hash, byte[] key, int from, int to) {
    int code = (int) entry - 1;
    return (int) (entry >>> 32) == hash
        && Arrays.equals(bytes, starts[code], starts[code + 1], key, from, to);
  }

  private long[] index() {
    long[] index = slots;
    if (index == null) {
      synchronized (this) {
        index = slots;
        if (index == null) {
          index = buildIndex();
          slots = index;
        }
      }
    }
    return index;
  }

  private long[] buildIndex() {
    int size = size();
    // At least 1.5 slots a value, a power of two.
    int capacity = Integer.highestOneBit(Math.max(16, size + size / 2)) << 1;
    long[] index = new long[capacity];
    int mask = capacity - 1;
    for (int code = 0; code < size; code++) {
      int from = starts[code];
      int to = starts[code + 1];
      int hash = hash(bytes, from, to);
      int slot = hash & mask;
      while (index[slot] != 0) {
        if (matches(index[slot], hash, bytes, from, to)) {
          throw new IllegalArgumentException("dictionary values must be distinct");
        }
        slot = (slot + 1) & mask;
      }
      index[slot] = (long) hash << 32 | (code + 1L);
    }
    return index;
  }

  /** For each code, its rank in the string order, so ordering compares ints. */
  int[] sortRanks() {
    int[] ranks = sortRanks;
    if (ranks == null) {
      String[] values = new String[size()];
      Integer[] order = new Integer[values.length];
      for (int code = 0; code < values.length; code++) {
        values[code] = value(code);
        order[code] = code;
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
   * different dictionaries be joined on ints. The lookups compare bytes and are split across {@code
   * context}'s threads.
   */
  int[] translate(StringDictionary other, QueryContext context) {
    long[] index = index();
    int[] translation = new int[other.size()];
    context.parallelRanges(
        translation.length,
        (part, from, to) -> {
          for (int code = from; code < to; code++) {
            translation[code] =
                codeOf(index, other.bytes, other.starts[code], other.starts[code + 1]);
          }
        });
    return translation;
  }

  /**
   * Every value's encoding by {@code encoder} (given the value as a {@code String}), back to back:
   * computed the first time on {@code context}'s threads and kept for the next queries, keyed by
   * the encoder's identity. An encoder's failure is thrown and nothing is kept.
   */
  Encodings encodings(Function<Object, byte[]> encoder, QueryContext context) {
    synchronized (encodings) {
      Encodings known = encodings.get(encoder);
      if (known != null) {
        return known;
      }
    }
    int size = size();
    int parts = context.partsOf(size);
    // Each part writes its codes' starts within its own buffer; the merge adds the part's offset.
    int[] encodedStarts = new int[size + 1];
    byte[][] partBytes = new byte[parts][];
    int[] partLengths = new int[parts];
    context.parallelRanges(
        size,
        parts,
        (part, from, to) -> {
          // The values' bytes and a few bytes of header each, as a keyed hash's encoder adds.
          long estimate = (long) starts[to] - starts[from] + 8L * (to - from);
          byte[] buffer = new byte[(int) Math.min(MAX_ARRAY, Math.max(64, estimate))];
          int length = 0;
          for (int code = from; code < to; code++) {
            byte[] encoded = requireNonNull(encoder.apply(value(code)), "encoder returned null");
            long needed = (long) length + encoded.length;
            if (needed > buffer.length) {
              if (needed > MAX_ARRAY) {
                throw new IllegalStateException(
                    "the encodings of a dictionary are too long together");
              }
              buffer =
                  Arrays.copyOf(
                      buffer, (int) Math.min(MAX_ARRAY, Math.max(2L * buffer.length, needed)));
            }
            encodedStarts[code] = length;
            System.arraycopy(encoded, 0, buffer, length, encoded.length);
            length += encoded.length;
          }
          partBytes[part] = buffer;
          partLengths[part] = length;
        });
    long total = 0;
    for (int length : partLengths) {
      total += length;
    }
    if (total > MAX_ARRAY) {
      throw new IllegalStateException("the encodings of a dictionary are too long together");
    }
    byte[] all = new byte[(int) total];
    int position = 0;
    for (int part = 0; part < parts; part++) {
      int from = Workers.split(size, parts, part);
      int to = Workers.split(size, parts, part + 1);
      System.arraycopy(partBytes[part], 0, all, position, partLengths[part]);
      for (int code = from; code < to; code++) {
        encodedStarts[code] += position;
      }
      position += partLengths[part];
    }
    encodedStarts[size] = position;
    Encodings computed = new Encodings(all, encodedStarts);
    synchronized (encodings) {
      return encodings.computeIfAbsent(encoder, e -> computed);
    }
  }

  /**
   * Encodings of a dictionary's values: code {@code c}'s is {@code bytes[starts[c] .. starts[c +
   * 1])}.
   */
  record Encodings(byte[] bytes, int[] starts) {}

  /** A hash of {@code bytes[from .. to)}, as {@link Utf8DictionaryBuilder} hashes a cell. */
  static int hash(byte[] bytes, int from, int to) {
    int length = to - from;
    long h = 0x9E3779B97F4A7C15L ^ length;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = (h ^ (long) LONGS.get(bytes, i)) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    for (; i < to; i++) {
      h = (h ^ (bytes[i] & 0xffL)) * 0x94D049BB133111EBL;
    }
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }

  private static boolean hasSurrogate(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isSurrogate(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * UTF-8, except that a lone surrogate is written as the three bytes of its char value (as WTF-8
   * does) instead of being replaced: so two distinct strings never share bytes. Equal to UTF-8 for
   * every string without a lone surrogate.
   */
  private static byte[] generalizedUtf8(String value) {
    byte[] out = new byte[3 * value.length()];
    int length = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      int point = c;
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        point = Character.toCodePoint(c, value.charAt(++i));
      }
      if (point < 0x80) {
        out[length++] = (byte) point;
      } else if (point < 0x800) {
        out[length++] = (byte) (0xC0 | point >>> 6);
        out[length++] = (byte) (0x80 | point & 0x3F);
      } else if (point < 0x10000) {
        out[length++] = (byte) (0xE0 | point >>> 12);
        out[length++] = (byte) (0x80 | point >>> 6 & 0x3F);
        out[length++] = (byte) (0x80 | point & 0x3F);
      } else {
        out[length++] = (byte) (0xF0 | point >>> 18);
        out[length++] = (byte) (0x80 | point >>> 12 & 0x3F);
        out[length++] = (byte) (0x80 | point >>> 6 & 0x3F);
        out[length++] = (byte) (0x80 | point & 0x3F);
      }
    }
    return Arrays.copyOf(out, length);
  }
}
