package dev.cleanroom.benchmarks;

import java.util.Objects;

/**
 * Stands in for the policy layer's keyed group-choosing hash until the real rewrite is plugged in:
 * a public static method that Calcite (and so every engine) calls as a user-defined function.
 */
public final class ContributionOrderStandIn {
  private ContributionOrderStandIn() {}

  public static long order(long key, long unit, String firstGroup, String secondGroup) {
    long h = (key ^ unit) * 0x9E3779B97F4A7C15L;
    h ^= Objects.hashCode(firstGroup) * 0xBF58476D1CE4E5B9L;
    h = Long.rotateLeft(h, 31) ^ Objects.hashCode(secondGroup) * 0x94D049BB133111EBL;
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 31);
  }
}
