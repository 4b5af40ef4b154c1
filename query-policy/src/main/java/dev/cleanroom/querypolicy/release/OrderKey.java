package dev.cleanroom.querypolicy.release;

/**
 * One {@code ORDER BY} key, applied to the released rows after noise.
 *
 * @param outputIndex index of the output column (and of its {@code ReleaseColumn})
 * @param descending whether the order is descending
 */
public record OrderKey(int outputIndex, boolean descending) {
  public OrderKey {
    if (outputIndex < 0) {
      throw new IllegalArgumentException("outputIndex must be >= 0, was " + outputIndex);
    }
  }
}
