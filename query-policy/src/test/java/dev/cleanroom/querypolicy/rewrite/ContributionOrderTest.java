package dev.cleanroom.querypolicy.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.junit.jupiter.api.Test;

class ContributionOrderTest {
  /** The SipHash reference key 00 01 .. 0f, as two little-endian words. */
  private static final long KEY_0 = 0x0706050403020100L;

  private static final long KEY_1 = 0x0f0e0d0c0b0a0908L;

  @Test
  void sipHashOfEmptyInput_matchesTheReferenceVector() {
    assertEquals(0x726fdb47dd0e0e31L, ContributionOrder.sipHash24(KEY_0, KEY_1, new byte[0]));
  }

  @Test
  void sipHashOfFifteenBytes_matchesTheReferenceVector() {
    byte[] input = new byte[15];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) i;
    }
    assertEquals(0xa129ca6149be45e5L, ContributionOrder.sipHash24(KEY_0, KEY_1, input));
  }

  @Test
  void sipHashOfAPrefix_equalsTheHashOfThePrefixAlone() {
    byte[] input = new byte[40];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) (i * 7 + 3);
    }
    for (int length = 0; length <= input.length; length++) {
      assertEquals(
          ContributionOrder.sipHash24(KEY_0, KEY_1, Arrays.copyOf(input, length)),
          ContributionOrder.sipHash24(KEY_0, KEY_1, input, length),
          "length " + length);
    }
  }

  @Test
  void order_isTheSipHashOfTheValuesEncodingsOneAfterTheOther() {
    byte[] unit = ContributionOrder.encode(42L);
    byte[] group = ContributionOrder.encode("campaign-7");
    byte[] nothing = ContributionOrder.encode(null);
    byte[] data = new byte[unit.length + group.length + nothing.length];
    System.arraycopy(unit, 0, data, 0, unit.length);
    System.arraycopy(group, 0, data, unit.length, group.length);
    System.arraycopy(nothing, 0, data, unit.length + group.length, nothing.length);
    assertEquals(
        ContributionOrder.order(KEY_0, KEY_1, 42L, "campaign-7", null),
        ContributionOrder.sipHash24(KEY_0, KEY_1, data, data.length));
    assertEquals(1 + 4 + 8, unit.length);
    assertEquals(1 + 4, nothing.length);
  }

  /** The encoding is part of which groups a unit keeps: it must not drift. */
  @Test
  void encode_writesTagBigEndianLengthAndPayload() {
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0}, ContributionOrder.encode(null));
    assertArrayEquals(
        ByteBuffer.allocate(13).put((byte) 1).putInt(8).putLong(-42L).array(),
        ContributionOrder.encode(-42));
    assertArrayEquals(
        ByteBuffer.allocate(13)
            .put((byte) 2)
            .putInt(8)
            .putLong(Double.doubleToLongBits(1.5))
            .array(),
        ContributionOrder.encode(1.5f));
    assertArrayEquals(
        new byte[] {3, 0, 0, 0, 3, '1', '.', '5'},
        ContributionOrder.encode(new BigDecimal("1.50")));
    assertArrayEquals(new byte[] {4, 0, 0, 0, 1, 1}, ContributionOrder.encode(true));
    assertArrayEquals(
        new byte[] {5, 0, 0, 0, 4, 'c', (byte) 0xC3, (byte) 0xA9, '7'},
        ContributionOrder.encode("c\u00e97"));
  }

  @Test
  void integerAndLongOfSameValue_hashAlike() {
    assertEquals(ContributionOrder.order(1, 2, 7, "c1"), ContributionOrder.order(1, 2, 7L, "c1"));
  }

  @Test
  void differentKeys_orderDifferently() {
    assertNotEquals(
        ContributionOrder.order(1, 2, 7L, "c1"), ContributionOrder.order(3, 2, 7L, "c1"));
  }

  @Test
  void nullAndEmptyString_hashDifferently() {
    assertNotEquals(ContributionOrder.order(1, 2, 7L, null), ContributionOrder.order(1, 2, 7L, ""));
  }

  @Test
  void everyArity_isReachableThroughTheFunctionsMethod() throws Exception {
    for (int groups = 0; groups <= ContributionOrder.MAX_GROUP_KEYS; groups++) {
      ScalarFunctionImpl function =
          (ScalarFunctionImpl) ContributionOrder.function(groups).getFunction();
      Method method = function.method;
      Object[] arguments = new Object[3 + groups];
      arguments[0] = 1L;
      arguments[1] = 2L;
      for (int i = 2; i < arguments.length; i++) {
        arguments[i] = "v" + i;
      }
      assertEquals(3 + groups, method.getParameterCount());
      assertEquals(long.class, method.getReturnType());
      method.invoke(null, arguments);
    }
  }
}
