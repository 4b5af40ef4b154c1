package dev.cleanroom.querypolicy.rewrite;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScalarFunction;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * The keyed hash that orders each unit's groups, so the groups a unit keeps are chosen by a secret
 * the analyst cannot steer. A SipHash-2-4 of the (unit, group key) values under the server's
 * 128-bit key; public static methods so every engine can call them through {@link
 * ScalarFunctionImpl}.
 */
public final class ContributionOrder {
  /** The function name in plans. */
  public static final String NAME = "CR_CONTRIBUTION_ORDER";

  /** The most group keys a private query may have (one method arity each). */
  public static final int MAX_GROUP_KEYS = 6;

  private static final List<SqlUserDefinedFunction> FUNCTIONS = createFunctions();

  private ContributionOrder() {}

  /** The function for a query with {@code groupKeys} group keys. */
  static SqlUserDefinedFunction function(int groupKeys) {
    if (groupKeys < 0 || groupKeys > MAX_GROUP_KEYS) {
      throw new IllegalArgumentException(
          "group keys must be in [0, " + MAX_GROUP_KEYS + "], was " + groupKeys);
    }
    return FUNCTIONS.get(groupKeys);
  }

  public static long order(long key0, long key1, Object unit) {
    return hash(key0, key1, unit);
  }

  public static long order(long key0, long key1, Object unit, Object g1) {
    return hash(key0, key1, unit, g1);
  }

  public static long order(long key0, long key1, Object unit, Object g1, Object g2) {
    return hash(key0, key1, unit, g1, g2);
  }

  public static long order(long key0, long key1, Object unit, Object g1, Object g2, Object g3) {
    return hash(key0, key1, unit, g1, g2, g3);
  }

  public static long order(
      long key0, long key1, Object unit, Object g1, Object g2, Object g3, Object g4) {
    return hash(key0, key1, unit, g1, g2, g3, g4);
  }

  public static long order(
      long key0, long key1, Object unit, Object g1, Object g2, Object g3, Object g4, Object g5) {
    return hash(key0, key1, unit, g1, g2, g3, g4, g5);
  }

  public static long order(
      long key0,
      long key1,
      Object unit,
      Object g1,
      Object g2,
      Object g3,
      Object g4,
      Object g5,
      Object g6) {
    return hash(key0, key1, unit, g1, g2, g3, g4, g5, g6);
  }

  /** Hashes values in a canonical encoding, so Integer 5 and Long 5 agree across engines. */
  static long hash(long key0, long key1, Object... values) {
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
  static long sipHash24(long key0, long key1, byte[] data) {
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
        word =
            (data[i] & 0xffL)
                | (data[i + 1] & 0xffL) << 8
                | (data[i + 2] & 0xffL) << 16
                | (data[i + 3] & 0xffL) << 24
                | (data[i + 4] & 0xffL) << 32
                | (data[i + 5] & 0xffL) << 40
                | (data[i + 6] & 0xffL) << 48
                | (data[i + 7] & 0xffL) << 56;
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

  private static List<SqlUserDefinedFunction> createFunctions() {
    List<SqlUserDefinedFunction> functions = new ArrayList<>();
    for (int groups = 0; groups <= MAX_GROUP_KEYS; groups++) {
      Class<?>[] parameters = new Class<?>[3 + groups];
      parameters[0] = long.class;
      parameters[1] = long.class;
      for (int i = 2; i < parameters.length; i++) {
        parameters[i] = Object.class;
      }
      Method method;
      try {
        method = ContributionOrder.class.getMethod("order", parameters);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("missing arity " + groups, e);
      }
      ScalarFunction function = ScalarFunctionImpl.create(method);
      List<SqlTypeFamily> families = new ArrayList<>();
      for (int i = 0; i < parameters.length; i++) {
        families.add(i < 2 ? SqlTypeFamily.INTEGER : SqlTypeFamily.ANY);
      }
      int arity = parameters.length;
      functions.add(
          new SqlUserDefinedFunction(
              new SqlIdentifier(NAME, SqlParserPos.ZERO),
              SqlKind.OTHER_FUNCTION,
              ReturnTypes.BIGINT,
              null,
              OperandTypes.operandMetadata(
                  families,
                  (RelDataTypeFactory typeFactory) ->
                      function.getParameters().stream().map(p -> p.getType(typeFactory)).toList(),
                  i -> "arg" + i,
                  i -> false),
              function));
      if (function.getParameters().size() != arity) {
        throw new IllegalStateException("arity mismatch for " + groups + " group keys");
      }
    }
    return List.copyOf(functions);
  }
}
