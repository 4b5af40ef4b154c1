package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

/**
 * A resource limit (bytes, milliseconds) drawn afresh for each query: {@code 3L/4 + X}, with {@code
 * X} discrete Laplace of scale {@code L/64}, kept within {@code [L/2, L]}, where {@code L} is the
 * configured limit.
 *
 * <p>Why: whether a query hits its limit is an output the analyst sees. With a fixed limit, an
 * analyst who sizes its own table so that a query sits just below the limit would learn from a
 * failure that one more person's rows took part. The rewrite bounds how much one person can add to
 * a query's work (rows per join key and person before the join); if that adds at most {@code Δ}
 * units of the resource, then "fails", which is {@code use - X > 3L/4}, is a noisy threshold whose
 * outcome changes in probability by at most a factor {@code exp(Δ / (L/64))} with the person
 * present or absent, plus the chance {@code exp(-16)} that {@code X} falls outside the kept range.
 * With the defaults (1 GiB, a person's {@code 100 x 1} joined rows of a few hundred bytes) that
 * factor is about {@code exp(0.002)}.
 */
public final class NoisyLimit {
  private final long configured;
  private final DiscreteLaplace spread;

  private NoisyLimit(long configured) {
    this.configured = configured;
    this.spread = DiscreteLaplace.builder().scale(Rational.of(configured, 64)).build();
  }

  /** Limits around {@code configured}, which must be at least 1. */
  public static NoisyLimit around(long configured) {
    if (configured < 1) {
      throw new IllegalArgumentException("a limit must be at least 1, was " + configured);
    }
    return new NoisyLimit(configured);
  }

  /** The limit as configured: no query is ever allowed more. */
  public long configured() {
    return configured;
  }

  /** The limit of one query, in {@code [configured/2, configured]} and at least 1. */
  public long draw(NoiseSource source) {
    requireNonNull(source, "source is null");
    long centre = configured - configured / 4;
    long drawn = centre + spread.sample(source);
    return Math.max(Math.max(1, configured / 2), Math.min(configured, drawn));
  }
}
