package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.noise.GroupSelection;
import dev.cleanroom.querypolicy.noise.LaplaceMechanism;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.TruncatedGeometricSelection;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The truncated-geometric release decision with, when the query shows a group's distinct units, a
 * separately noised count of them (the decision itself releases one bit only). Without such a
 * column the released count is 0 and nothing reads it.
 */
final class TruncatedGeometricRelease implements GroupSelection {

  private final TruncatedGeometricSelection selection;
  private final Optional<LaplaceMechanism> count;

  TruncatedGeometricRelease(
      TruncatedGeometricSelection selection, Optional<LaplaceMechanism> count) {
    this.selection = requireNonNull(selection, "selection is null");
    this.count = requireNonNull(count, "count is null");
  }

  TruncatedGeometricSelection selection() {
    return selection;
  }

  Optional<LaplaceMechanism> count() {
    return count;
  }

  @Override
  public String mechanismName() {
    return "truncated-geometric";
  }

  @Override
  public OptionalLong select(long exactCount, NoiseSource source) {
    boolean released = selection.select(exactCount, source);
    // The count is drawn in every case, so the work does not depend on the decision.
    long noisy =
        count
            .map(
                mechanism ->
                    Math.max(
                        0,
                        mechanism.release(BigDecimal.valueOf(exactCount), source).longValueExact()))
            .orElse(0L);
    return released ? OptionalLong.of(noisy) : OptionalLong.empty();
  }

  @Override
  public long threshold() {
    return selection.smallestCountReleasedWith(0.5);
  }

  @Override
  public double releaseProbability(long exactCount) {
    return selection.releaseProbability(exactCount).doubleValue();
  }

  @Override
  public long smallestCountReleasedWith(double probability) {
    return selection.smallestCountReleasedWith(probability);
  }
}
