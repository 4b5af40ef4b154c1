package dev.cleanroom.querypolicy.noise;

import java.util.OptionalLong;

/** A rule that decides, with noise, whether a group of a private query is released. */
public interface GroupSelection {

  /** The name the privacy report shows, e.g. {@code discrete-laplace}. */
  String mechanismName();

  /**
   * The group's released distinct-unit count if it is released, empty otherwise. All the noise is
   * drawn in every case, so the work done does not depend on the decision.
   */
  OptionalLong select(long exactCount, NoiseSource source);

  /**
   * The noisy count a group must reach; for a rule without one (truncated geometric), the exact
   * count released with probability one half.
   */
  long threshold();

  /** The probability that a group of this many distinct units is released, for reports. */
  double releaseProbability(long exactCount);

  /** The smallest group released with probability at least {@code probability}. */
  default long smallestCountReleasedWith(double probability) {
    long low = 0;
    long high = 1;
    while (releaseProbability(high) < probability) {
      low = high;
      high = Math.multiplyExact(high, 2);
    }
    // releaseProbability never decreases with the count.
    while (high - low > 1) {
      long middle = low + (high - low) / 2;
      if (releaseProbability(middle) >= probability) {
        high = middle;
      } else {
        low = middle;
      }
    }
    return releaseProbability(low) >= probability ? low : high;
  }
}
