package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class NoiseSourceTest {

  @Test
  void boundOne_alwaysZero() {
    NoiseSource source = new SeededNoiseSource(1);
    for (int i = 0; i < 100; i++) {
      assertEquals(0, source.uniformBelow(1));
    }
  }

  @Test
  void uniformBelow_staysInRangeAndHitsEveryValue() {
    NoiseSource source = new SeededNoiseSource(2);
    int[] seen = new int[7];
    for (int i = 0; i < 7_000; i++) {
      long value = source.uniformBelow(7);
      assertTrue(value >= 0 && value < 7);
      seen[(int) value]++;
    }
    for (int count : seen) {
      // Expected 1000 each; the binomial standard deviation is about 29.
      assertTrue(Math.abs(count - 1000) < 200, "count " + count);
    }
  }

  @Test
  void bigBound_staysInRange() {
    NoiseSource source = new SeededNoiseSource(3);
    BigInteger bound = BigInteger.ONE.shiftLeft(130).add(BigInteger.valueOf(12345));
    boolean aboveHalf = false;
    for (int i = 0; i < 200; i++) {
      BigInteger value = source.uniformBelow(bound);
      assertTrue(value.signum() >= 0 && value.compareTo(bound) < 0);
      aboveHalf |= value.compareTo(bound.shiftRight(1)) > 0;
    }
    assertTrue(aboveHalf, "the top bits are never set");
  }

  @Test
  void secureSource_isNotConstant() {
    NoiseSource source = SecureNoiseSource.create();
    assertNotEquals(source.nextLong(), source.nextLong());
  }
}
