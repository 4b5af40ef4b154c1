package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.function.DoubleUnaryOperator;

/**
 * Zero-concentrated differential privacy (ρ-zCDP, Bun and Steinke 2016) and its conversion to (ε,
 * δ)-differential privacy. Mechanisms compose by adding their ρ.
 *
 * <p>Conversion: Canonne, Kamath and Steinke (2020), Proposition 12 and Corollary 13: a ρ-zCDP
 * mechanism is (ε, δ)-DP for every {@code α > 1} with {@code ε = αρ + (ln(1/δ) + (α - 1) ln(1 -
 * 1/α) - ln α) / (α - 1)}. Any α gives a valid ε, so the search for the best α needs no precision;
 * only the evaluation at the chosen α must not understate ε. It is done in double precision (at
 * most a few dozen operations on numbers below 2^40, so a relative error below 1e-12) and then
 * moved by {@link #MARGIN} towards less privacy claimed: the reported ε is never below the true
 * one, and the calibrated ρ never above the largest allowed.
 */
public final class ZeroConcentratedDp {

  /** Relative safety margin on every floating-point result, far above its rounding error. */
  static final double MARGIN = 1e-9;

  /** ρ is calibrated on this many binary digits. */
  private static final int RHO_BITS = 48;

  private ZeroConcentratedDp() {}

  /**
   * An upper bound on the smallest ε for which a ρ-zCDP mechanism is (ε, δ)-DP by the conversion
   * above.
   */
  public static double epsilon(Rational rho, double delta) {
    requireNonNull(rho, "rho is null");
    checkDelta(delta);
    double r = rho.doubleValue();
    if (r == 0) {
      return 0;
    }
    double alpha = bestAlpha(a -> epsilonAt(a, r, delta));
    double epsilon = epsilonAt(alpha, r, delta);
    return Math.max(0, epsilon + MARGIN * (1 + Math.abs(epsilon)));
  }

  /**
   * The δ of a ρ-zCDP mechanism at a given ε by the same conversion, {@code inf_α exp((α - 1)(αρ -
   * ε)) / (α - 1) · (1 - 1/α)^α}, rounded up.
   */
  public static double delta(Rational rho, double epsilon) {
    requireNonNull(rho, "rho is null");
    double r = rho.doubleValue();
    double alpha = bestAlpha(a -> logDeltaAt(a, r, epsilon));
    double logDelta = logDeltaAt(alpha, r, epsilon);
    return Math.min(1, Math.exp(logDelta + MARGIN * (1 + Math.abs(logDelta))));
  }

  /**
   * The largest ρ, on a grid of {@code 2^-48}, whose conversion at {@code delta} gives an ε of at
   * most {@code epsilon} (checked with {@link #epsilon}).
   */
  public static Rational largestRho(Rational epsilon, double delta) {
    requireNonNull(epsilon, "epsilon is null");
    checkDelta(delta);
    if (epsilon.isZero()) {
      throw new PolicyException(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, "epsilon must be > 0");
    }
    double target = epsilon.doubleValue() * (1 - MARGIN);
    // For a fixed α the conversion is linear in ρ: ρ(α) = (ε - c(α)) / α.
    double alpha = bestAlpha(a -> -rhoAt(a, target, delta));
    double rho = Math.max(0, rhoAt(alpha, target, delta)) * (1 - MARGIN);
    BigInteger scaled =
        new BigDecimal(rho)
            .multiply(new BigDecimal(BigInteger.ONE.shiftLeft(RHO_BITS)))
            .setScale(0, RoundingMode.FLOOR)
            .toBigIntegerExact();
    Rational candidate = new Rational(scaled, BigInteger.ONE.shiftLeft(RHO_BITS));
    // The check that decides: the conservative conversion of the rounded ρ stays within ε.
    while (!candidate.isZero() && epsilon(candidate, delta) > epsilon.doubleValue()) {
      scaled = scaled.multiply(BigInteger.valueOf(999)).divide(BigInteger.valueOf(1000));
      candidate = new Rational(scaled, BigInteger.ONE.shiftLeft(RHO_BITS));
    }
    if (candidate.isZero()) {
      throw new PolicyException(
          PolicyErrorCode.INVALID_PRIVACY_PARAMETER,
          "epsilon " + epsilon + " is too small for any noise at delta " + delta);
    }
    return candidate;
  }

  /** The classic, looser conversion {@code ε = ρ + 2 sqrt(ρ ln(1/δ))} (Bun and Steinke). */
  public static double classicEpsilon(Rational rho, double delta) {
    double r = rho.doubleValue();
    return r + 2 * Math.sqrt(r * Math.log(1 / delta));
  }

  /** ρ as a decimal for reports. */
  public static BigDecimal decimal(Rational rho) {
    return rho.toBigDecimal(new MathContext(6, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }

  private static double epsilonAt(double alpha, double rho, double delta) {
    return alpha * rho
        + (Math.log(1 / delta) + (alpha - 1) * Math.log1p(-1 / alpha) - Math.log(alpha))
            / (alpha - 1);
  }

  private static double rhoAt(double alpha, double epsilon, double delta) {
    double c =
        (Math.log(1 / delta) + (alpha - 1) * Math.log1p(-1 / alpha) - Math.log(alpha))
            / (alpha - 1);
    return (epsilon - c) / alpha;
  }

  private static double logDeltaAt(double alpha, double rho, double epsilon) {
    return (alpha - 1) * (alpha * rho - epsilon)
        - Math.log(alpha - 1)
        + alpha * Math.log1p(-1 / alpha);
  }

  /**
   * The α in {@code (1, 2^40]} that minimizes a function, by golden-section search on {@code ln(α -
   * 1)}: the functions here are unimodal there, and any α gives a valid bound.
   */
  private static double bestAlpha(DoubleUnaryOperator function) {
    double low = Math.log(1e-9);
    double high = Math.log(1L << 40);
    double ratio = (Math.sqrt(5) - 1) / 2;
    for (int i = 0; i < 200; i++) {
      double left = high - ratio * (high - low);
      double right = low + ratio * (high - low);
      if (function.applyAsDouble(1 + Math.exp(left))
          <= function.applyAsDouble(1 + Math.exp(right))) {
        high = right;
      } else {
        low = left;
      }
    }
    return 1 + Math.exp((low + high) / 2);
  }

  private static void checkDelta(double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new PolicyException(
          PolicyErrorCode.INVALID_PRIVACY_PARAMETER, "delta must be in (0, 1), was " + delta);
    }
  }
}
