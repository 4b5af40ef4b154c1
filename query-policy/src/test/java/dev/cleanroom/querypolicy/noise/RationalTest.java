package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class RationalTest {

  @Test
  void decimal_convertsExactlyAndReduces() {
    assertEquals(Rational.of(1, 8), Rational.of(new BigDecimal("0.125")));
    assertEquals(Rational.of(1000, 1), Rational.of(new BigDecimal("1E+3")));
  }

  @Test
  void arithmetic_isExact() {
    Rational third = Rational.of(1, 3);
    assertEquals(Rational.ONE, third.add(third).add(third));
    assertEquals(Rational.of(1, 9), third.multiply(third));
    assertEquals(Rational.of(3, 1), Rational.ONE.divide(third));
    assertEquals(Rational.of(2, 3), Rational.ONE.subtract(third));
  }

  @Test
  void floorAndCeil_roundTheRightWay() {
    assertEquals(BigInteger.TWO, Rational.of(7, 3).floor());
    assertEquals(BigInteger.valueOf(3), Rational.of(7, 3).ceil());
    assertEquals(BigInteger.TWO, Rational.of(4, 2).ceil());
  }

  @Test
  void negativeResult_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> Rational.of(1, 3).subtract(Rational.ONE));
  }

  @Test
  void zeroDenominator_isRejectedWithItsValue() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> Rational.of(1, 0));
    assertEquals("denominator must be > 0, was 0", error.getMessage());
  }
}
