package dev.cleanroom.querypolicy.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cleanroom.spi.ContributionHash;
import java.lang.reflect.Method;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.junit.jupiter.api.Test;

class ContributionOrderTest {
  /** The SipHash reference key 00 01 .. 0f, as two little-endian words. */
  private static final long KEY_0 = 0x0706050403020100L;

  private static final long KEY_1 = 0x0f0e0d0c0b0a0908L;

  @Test
  void order_isTheSipHashOfTheValuesEncodingsOneAfterTheOther() {
    byte[] unit = ContributionHash.encode(42L);
    byte[] group = ContributionHash.encode("campaign-7");
    byte[] nothing = ContributionHash.encode(null);
    byte[] data = new byte[unit.length + group.length + nothing.length];
    System.arraycopy(unit, 0, data, 0, unit.length);
    System.arraycopy(group, 0, data, unit.length, group.length);
    System.arraycopy(nothing, 0, data, unit.length + group.length, nothing.length);
    assertEquals(
        ContributionOrder.order(KEY_0, KEY_1, 42L, "campaign-7", null),
        ContributionHash.sipHash24(KEY_0, KEY_1, data, data.length));
    assertEquals(1 + 4 + 8, unit.length);
    assertEquals(1 + 4, nothing.length);
  }

  /** The encoding is part of which groups a unit keeps: it must not drift. */
  @Test
  void differentKeys_orderDifferently() {
    assertNotEquals(
        ContributionOrder.order(1, 2, 7L, "c1"), ContributionOrder.order(3, 2, 7L, "c1"));
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
