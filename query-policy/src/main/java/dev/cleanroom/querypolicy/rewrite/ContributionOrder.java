package dev.cleanroom.querypolicy.rewrite;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
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
    ByteBuffer buffer = ByteBuffer.allocate(64);
    for (Object value : values) {
      byte[] bytes;
      byte tag;
      if (value == null) {
        tag = 0;
        bytes = new byte[0];
      } else if (value instanceof Long
          || value instanceof Integer
          || value instanceof Short
          || value instanceof Byte) {
        tag = 1;
        bytes = ByteBuffer.allocate(8).putLong(((Number) value).longValue()).array();
      } else if (value instanceof Double || value instanceof Float) {
        tag = 2;
        bytes =
            ByteBuffer.allocate(8)
                .putLong(Double.doubleToLongBits(((Number) value).doubleValue()))
                .array();
      } else if (value instanceof BigDecimal decimal) {
        tag = 3;
        bytes = decimal.stripTrailingZeros().toPlainString().getBytes(StandardCharsets.UTF_8);
      } else if (value instanceof Boolean bool) {
        tag = 4;
        bytes = new byte[] {(byte) (bool ? 1 : 0)};
      } else {
        tag = 5;
        bytes = value.toString().getBytes(StandardCharsets.UTF_8);
      }
      int needed = 5 + bytes.length;
      if (buffer.remaining() < needed) {
        ByteBuffer larger =
            ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + needed));
        buffer.flip();
        larger.put(buffer);
        buffer = larger;
      }
      buffer.put(tag).putInt(bytes.length).put(bytes);
    }
    byte[] data = new byte[buffer.position()];
    buffer.flip();
    buffer.get(data);
    return sipHash24(key0, key1, data);
  }

  /** SipHash-2-4 of {@code data} under the key {@code (key0, key1)}, little-endian words. */
  static long sipHash24(long key0, long key1, byte[] data) {
    long v0 = 0x736f6d6570736575L ^ key0;
    long v1 = 0x646f72616e646f6dL ^ key1;
    long v2 = 0x6c7967656e657261L ^ key0;
    long v3 = 0x7465646279746573L ^ key1;
    int end = data.length - (data.length % 8);
    long[] state = {v0, v1, v2, v3};
    for (int i = 0; i < end; i += 8) {
      long word = 0;
      for (int b = 7; b >= 0; b--) {
        word = (word << 8) | (data[i + b] & 0xffL);
      }
      state[3] ^= word;
      round(state);
      round(state);
      state[0] ^= word;
    }
    long last = ((long) data.length) << 56;
    for (int i = end; i < data.length; i++) {
      last |= (data[i] & 0xffL) << (8 * (i - end));
    }
    state[3] ^= last;
    round(state);
    round(state);
    state[0] ^= last;
    state[2] ^= 0xff;
    for (int i = 0; i < 4; i++) {
      round(state);
    }
    return state[0] ^ state[1] ^ state[2] ^ state[3];
  }

  private static void round(long[] v) {
    v[0] += v[1];
    v[1] = Long.rotateLeft(v[1], 13);
    v[1] ^= v[0];
    v[0] = Long.rotateLeft(v[0], 32);
    v[2] += v[3];
    v[3] = Long.rotateLeft(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = Long.rotateLeft(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = Long.rotateLeft(v[1], 17);
    v[1] ^= v[2];
    v[2] = Long.rotateLeft(v[2], 32);
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
