package dev.cleanroom.querypolicy.noise;

import java.math.BigInteger;

/**
 * Uniform random bits for the noise samplers. Production code uses {@link SecureNoiseSource}; a
 * seeded source exists only in test code, so no released answer can be reproduced from a seed.
 */
public interface NoiseSource {

  /** 64 uniformly random bits. */
  long nextLong();

  /** A uniform integer in {@code [0, bound)}, by rejection, so exactly uniform. */
  default long uniformBelow(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, was " + bound);
    }
    if (bound == 1) {
      return 0;
    }
    long mask = -1L >>> Long.numberOfLeadingZeros(bound - 1);
    while (true) {
      long candidate = nextLong() & mask;
      if (candidate < bound) {
        return candidate;
      }
    }
  }

  /** A uniform integer in {@code [0, bound)}, by rejection, so exactly uniform. */
  default BigInteger uniformBelow(BigInteger bound) {
    if (bound.signum() <= 0) {
      throw new IllegalArgumentException("bound must be > 0, was " + bound);
    }
    if (bound.bitLength() < Long.SIZE) {
      return BigInteger.valueOf(uniformBelow(bound.longValue()));
    }
    int bits = bound.subtract(BigInteger.ONE).bitLength();
    while (true) {
      BigInteger candidate = randomBits(bits);
      if (candidate.compareTo(bound) < 0) {
        return candidate;
      }
    }
  }

  private BigInteger randomBits(int bits) {
    BigInteger value = BigInteger.ZERO;
    int remaining = bits;
    while (remaining > 0) {
      int take = Math.min(remaining, 62);
      long chunk = nextLong() >>> (Long.SIZE - take);
      value = value.shiftLeft(take).or(BigInteger.valueOf(chunk));
      remaining -= take;
    }
    return value;
  }
}
