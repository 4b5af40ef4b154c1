package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * A non-negative exact fraction in lowest terms. Noise parameters are rationals so that the
 * samplers never round a probability through a double.
 */
public record Rational(BigInteger numerator, BigInteger denominator)
    implements Comparable<Rational> {

  public static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
  public static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

  public Rational {
    requireNonNull(numerator, "numerator is null");
    requireNonNull(denominator, "denominator is null");
    if (numerator.signum() < 0) {
      throw new IllegalArgumentException("numerator must be >= 0, was " + numerator);
    }
    if (denominator.signum() <= 0) {
      throw new IllegalArgumentException("denominator must be > 0, was " + denominator);
    }
    BigInteger divisor = numerator.gcd(denominator);
    if (!divisor.equals(BigInteger.ONE) && divisor.signum() > 0) {
      numerator = numerator.divide(divisor);
      denominator = denominator.divide(divisor);
    }
  }

  public static Rational of(long numerator, long denominator) {
    return new Rational(BigInteger.valueOf(numerator), BigInteger.valueOf(denominator));
  }

  /** The exact value of a non-negative decimal. */
  public static Rational of(BigDecimal value) {
    requireNonNull(value, "value is null");
    if (value.scale() <= 0) {
      return new Rational(value.toBigIntegerExact(), BigInteger.ONE);
    }
    return new Rational(value.unscaledValue(), BigInteger.TEN.pow(value.scale()));
  }

  public Rational multiply(Rational other) {
    return new Rational(
        numerator.multiply(other.numerator), denominator.multiply(other.denominator));
  }

  public Rational divide(Rational other) {
    if (other.numerator.signum() == 0) {
      throw new ArithmeticException("division by zero");
    }
    return new Rational(
        numerator.multiply(other.denominator), denominator.multiply(other.numerator));
  }

  public Rational add(Rational other) {
    return new Rational(
        numerator.multiply(other.denominator).add(other.numerator.multiply(denominator)),
        denominator.multiply(other.denominator));
  }

  /** {@code this - other}; fails if the result would be negative. */
  public Rational subtract(Rational other) {
    return new Rational(
        numerator.multiply(other.denominator).subtract(other.numerator.multiply(denominator)),
        denominator.multiply(other.denominator));
  }

  public BigInteger floor() {
    return numerator.divide(denominator);
  }

  public BigInteger ceil() {
    BigInteger[] quotientAndRemainder = numerator.divideAndRemainder(denominator);
    return quotientAndRemainder[1].signum() == 0
        ? quotientAndRemainder[0]
        : quotientAndRemainder[0].add(BigInteger.ONE);
  }

  public boolean isZero() {
    return numerator.signum() == 0;
  }

  public BigDecimal toBigDecimal(MathContext context) {
    return new BigDecimal(numerator).divide(new BigDecimal(denominator), context);
  }

  public double doubleValue() {
    return toBigDecimal(MathContext.DECIMAL64).doubleValue();
  }

  @Override
  public int compareTo(Rational other) {
    return numerator.multiply(other.denominator).compareTo(other.numerator.multiply(denominator));
  }

  @Override
  public String toString() {
    return denominator.equals(BigInteger.ONE)
        ? numerator.toString()
        : numerator + "/" + denominator;
  }
}
