package dev.cleanroom.engine.vectorized;

import java.util.Objects;

/**
 * A stand-in for the policy layer's keyed group-choosing hash: a public static method that Calcite
 * calls as a user-defined function, with no ties between different groups in practice.
 */
public final class ContributionOrder {
  private ContributionOrder() {}

  public static long order(long unit, String firstGroup, String secondGroup) {
    long h = unit * 0x9E3779B97F4A7C15L;
    h ^= Objects.hashCode(firstGroup) * 0xBF58476D1CE4E5B9L;
    h = Long.rotateLeft(h, 31) ^ Objects.hashCode(secondGroup) * 0x94D049BB133111EBL;
    return h ^ (h >>> 29);
  }
}
