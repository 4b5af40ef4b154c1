package dev.cleanroom.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The keyed hash contract between the policy layer and every engine: the private plan calls {@code
 * CR_CONTRIBUTION_ORDER(key0, key1, unit, g1, ..., gn)} to order each person's rows and groups by a
 * secret the analyst cannot steer (the contribution key, held by the server). Its value is a
 * SipHash-2-4, under the 128-bit key {@code (key0, key1)}, of the values' canonical encodings one
 * after the other. Calcite's code calls the policy layer's function; an engine may compute the same
 * value itself from {@link #FUNCTION} and must then agree to the bit.
 */
public final class ContributionHash {
  /** The function name in plans. */
  public static final String NAME = "CR_CONTRIBUTION_ORDER";

  /** The contract as an engine computes it: encode each value, hash the concatenation. */
  public static final KeyedHashFunction FUNCTION =
      new KeyedHashFunction(NAME, ContributionHash::encode, ContributionHash::sipHash24);

  /** Eight bytes of an array as one little-endian long, in one read. */
  private static final VarHandle LITTLE_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private ContributionHash() {}

  /** Hashes values in a canonical encoding, so Integer 5 and Long 5 agree across engines. */
  public static long hash(long key0, long key1, Object... values) {
    byte[][] encoded = new byte[values.length][];
    int length = 0;
    for (int i = 0; i < values.length; i++) {
      encoded[i] = encode(values[i]);
      length += encoded[i].length;
    }
    byte[] data = new byte[length];
    int position = 0;
    for (byte[] bytes : encoded) {
      System.arraycopy(bytes, 0, data, position, bytes.length);
      position += bytes.length;
    }
    return sipHash24(key0, key1, data, length);
  }

  /**
   * The canonical encoding of one hashed value: a type tag (0 null, 1 integer, 2 floating point, 3
   * decimal, 4 boolean, 5 anything else as its string), the payload's length as a big-endian int,
   * then the payload (integers and doubles as big-endian longs, decimals without trailing zeros,
   * strings as UTF-8). The order of a row is {@link #sipHash24} of its values' encodings, one after
   * the other, which an engine may compute without calling {@link #order} (see the executor's keyed
   * hash functions).
   */
  public static byte[] encode(Object value) {
    if (value == null) {
      return withHeader((byte) 0, 0);
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return withLong((byte) 1, ((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      return withLong((byte) 2, Double.doubleToLongBits(((Number) value).doubleValue()));
    }
    byte tag;
    byte[] payload;
    if (value instanceof BigDecimal decimal) {
      tag = 3;
      payload = decimal.stripTrailingZeros().toPlainString().getBytes(StandardCharsets.UTF_8);
    } else if (value instanceof Boolean bool) {
      tag = 4;
      payload = new byte[] {(byte) (bool ? 1 : 0)};
    } else {
      tag = 5;
      payload = value.toString().getBytes(StandardCharsets.UTF_8);
    }
    byte[] encoded = withHeader(tag, payload.length);
    System.arraycopy(payload, 0, encoded, 5, payload.length);
    return encoded;
  }

  /** A tag, a big-endian payload length, and room for the payload after them. */
  private static byte[] withHeader(byte tag, int payloadLength) {
    byte[] encoded = new byte[5 + payloadLength];
    encoded[0] = tag;
    for (int i = 0; i < 4; i++) {
      encoded[1 + i] = (byte) (payloadLength >>> (24 - 8 * i));
    }
    return encoded;
  }

  /** A tag and an 8-byte big-endian payload. */
  private static byte[] withLong(byte tag, long payload) {
    byte[] encoded = withHeader(tag, 8);
    for (int i = 0; i < 8; i++) {
      encoded[5 + i] = (byte) (payload >>> (56 - 8 * i));
    }
    return encoded;
  }

  /** SipHash-2-4 of {@code data} under the key {@code (key0, key1)}, little-endian words. */
  public static long sipHash24(long key0, long key1, byte[] data) {
    return sipHash24(key0, key1, data, data.length);
  }

  /** SipHash-2-4 of the first {@code length} bytes of {@code data}. */
  public static long sipHash24(long key0, long key1, byte[] data, int length) {
    if (length < 0 || length > data.length) {
      throw new IllegalArgumentException("length must be in [0, " + data.length + "]");
    }
    long v0 = 0x736f6d6570736575L ^ key0;
    long v1 = 0x646f72616e646f6dL ^ key1;
    long v2 = 0x6c7967656e657261L ^ key0;
    long v3 = 0x7465646279746573L ^ key1;
    int end = length - (length % 8);
    int i = 0;
    while (true) {
      long word;
      boolean last = i >= end;
      if (last) {
        word = ((long) length) << 56;
        for (int b = end; b < length; b++) {
          word |= (data[b] & 0xffL) << (8 * (b - end));
        }
      } else {
        word = (long) LITTLE_ENDIAN_LONG.get(data, i);
        i += 8;
      }
      v3 ^= word;
      // Two compression rounds (SipRound, written out so the state stays in registers).
      for (int round = 0; round < 2; round++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13) ^ v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16) ^ v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17) ^ v2;
        v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= word;
      if (last) {
        break;
      }
    }
    v2 ^= 0xff;
    for (int round = 0; round < 4; round++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13) ^ v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16) ^ v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21) ^ v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17) ^ v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }
}
