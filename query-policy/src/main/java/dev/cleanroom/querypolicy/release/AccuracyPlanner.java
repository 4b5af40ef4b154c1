package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.noise.DiscreteGaussian;
import dev.cleanroom.querypolicy.noise.GaussianThresholding;
import dev.cleanroom.querypolicy.noise.GroupSelection;
import dev.cleanroom.querypolicy.noise.PartitionSelection;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Answers accuracy questions before anything runs, with the release code itself: what epsilon per
 * query gives a column a 95% interval of at most plus or minus X, and from how many people a group
 * is shown. Data-independent: it reads the spec and the parameters only.
 */
public final class AccuracyPlanner {

  /** The smallest epsilon per query searched, {@code 10^-4}. */
  static final int LOWEST_EXPONENT = -6;

  /** Grid steps per power of ten: epsilons with three significant digits. */
  private static final int STEPS_PER_DECADE = 900;

  /** The largest epsilon per query searched, {@code 1000}. */
  private static final int GRID_SIZE = 7 * STEPS_PER_DECADE;

  private static final int[] STANDARD_TARGET_MULTIPLES = {5, 10, 25, 50, 100};

  private AccuracyPlanner() {}

  /**
   * How sure it is that a group is shown, by its exact number of people.
   *
   * @param threshold the noisy number of people a group must reach
   * @param halfOfTheTime the smallest exact number of people shown with probability at least 50%
   * @param almostAlways the smallest exact number of people shown with probability at least 95%
   */
  public record GroupsShown(long threshold, long halfOfTheTime, long almostAlways) {}

  /**
   * The epsilon per query a column needs for a 95% half-width.
   *
   * @param halfWidth the target: plus or minus this at 95%
   * @param epsilon the smallest epsilon per query that gives it, or {@code null} when even 1000
   *     does not
   */
  public record Target(BigDecimal halfWidth, BigDecimal epsilon) {}

  /**
   * One noised column: its 95% half-width at the query's epsilon, and the epsilon it needs for each
   * target.
   */
  public record ColumnAccuracy(String column, BigDecimal ci95, List<Target> targets) {
    public ColumnAccuracy {
      targets = List.copyOf(targets);
    }
  }

  /**
   * Every noised column of {@code spec} (as its noise report names it): the target the analyst gave
   * for it in {@code targets}, or else {@link #standardTargets}.
   *
   * @throws IllegalArgumentException when {@code targets} names a column that is not noised, or a
   *     target that is not positive
   */
  public static List<ColumnAccuracy> columns(ReleaseSpec spec, Map<String, BigDecimal> targets) {
    requireNonNull(spec, "spec is null");
    requireNonNull(targets, "targets is null");
    List<ColumnNoise> noise = Releaser.forSpec(spec).noiseReport();
    Set<String> noised = new LinkedHashSet<>();
    noise.forEach(entry -> noised.add(entry.column()));
    for (Map.Entry<String, BigDecimal> target : targets.entrySet()) {
      if (!noised.contains(target.getKey())) {
        throw new IllegalArgumentException(
            "'"
                + target.getKey()
                + "' is not a noised column of this query; its noised columns"
                + " are "
                + String.join(", ", noised));
      }
      if (target.getValue() == null || target.getValue().signum() <= 0) {
        throw new IllegalArgumentException(
            "the target half-width of '" + target.getKey() + "' must be > 0");
      }
    }
    ColumnNoise[] byPart = PostProcessing.noiseByPart(spec, noise);
    List<ColumnAccuracy> columns = new ArrayList<>();
    for (int part = 0; part < byPart.length; part++) {
      ColumnNoise entry = byPart[part];
      if (entry == null) {
        continue;
      }
      List<BigDecimal> widths =
          targets.containsKey(entry.column())
              ? List.of(targets.get(entry.column()))
              : standardTargets(spec.columns().get(part));
      List<Target> reached = new ArrayList<>();
      for (BigDecimal width : widths) {
        reached.add(new Target(width, epsilonFor(spec, entry.column(), width).orElse(null)));
      }
      columns.add(new ColumnAccuracy(entry.column(), entry.ci95HalfWidth(), reached));
    }
    return columns;
  }

  /** From how many people a group of a query of {@code spec} is shown. */
  public static GroupsShown groupsShown(ReleaseSpec spec) {
    Releaser releaser = Releaser.forSpec(requireNonNull(spec, "spec is null"));
    long k = spec.parameters().minimumDistinctUnits();
    if (spec.rule() instanceof ReleaseRule.PublicKeys) {
      // Every key is shown; its numbers from a noisy count of k people on.
      if (releaser.groupSelection() instanceof GaussianThresholding gaussian) {
        return new GroupsShown(
            k,
            smallestReaching(gaussian.noise(), k, 0.5),
            smallestReaching(gaussian.noise(), k, 0.95));
      }
      PartitionSelection laplace = (PartitionSelection) releaser.groupSelection();
      ThresholdRelease release =
          ThresholdRelease.forDiscreteLaplace(laplace.noise().scale().doubleValue(), 0, k, 0.95);
      return new GroupsShown(k, release.smallestShown(0.5), release.smallestShown(0.95));
    }
    GroupSelection selection = releaser.groupSelection();
    return new GroupsShown(
        releaser.threshold(),
        selection.smallestCountReleasedWith(0.5),
        selection.smallestCountReleasedWith(0.95));
  }

  /** The smallest count c with {@code P(c + X >= k)} at least {@code probability}. */
  private static long smallestReaching(DiscreteGaussian noise, long k, double probability) {
    long count = 0;
    while (noise.atLeast(k - count) < probability) {
      count++;
    }
    return count;
  }

  /**
   * The smallest epsilon per query, on a grid of three significant digits between {@code 0.0001}
   * and {@code 1000}, for which the release code gives column {@code column} (a noised column of
   * the noise report) a 95% half-width of at most {@code target}; empty when even {@code 1000} does
   * not. The other parameters and the columns of the query stay as they are, so the column keeps
   * its share of the epsilon.
   */
  public static Optional<BigDecimal> epsilonFor(
      ReleaseSpec spec, String column, BigDecimal target) {
    requireNonNull(spec, "spec is null");
    requireNonNull(column, "column is null");
    if (target == null || target.signum() <= 0) {
      throw new IllegalArgumentException("target half-width must be > 0, was " + target);
    }
    if (!reaches(spec, column, target, GRID_SIZE)) {
      return Optional.empty();
    }
    if (reaches(spec, column, target, 0)) {
      return Optional.of(gridEpsilon(0));
    }
    // The half-width shrinks as epsilon grows: bisection keeps a failing and a reaching step.
    int failing = 0;
    int reaching = GRID_SIZE;
    while (reaching - failing > 1) {
      int middle = failing + (reaching - failing) / 2;
      if (reaches(spec, column, target, middle)) {
        reaching = middle;
      } else {
        failing = middle;
      }
    }
    return Optional.of(gridEpsilon(reaching));
  }

  /**
   * Targets a column is explained at when the analyst gives none: 5, 10, 25, 50 and 100 times the
   * most one person can add to one group (people and rows for counts, the bound for sums).
   */
  public static List<BigDecimal> standardTargets(ReleaseColumn column) {
    BigDecimal unit =
        column.role() == ColumnRole.DISTINCT_UNITS
            ? BigDecimal.ONE
            : column.maxAbsoluteContribution();
    return Arrays.stream(STANDARD_TARGET_MULTIPLES)
        .mapToObj(multiple -> plain(unit.multiply(BigDecimal.valueOf(multiple))))
        .toList();
  }

  /** The spec with another epsilon per query, everything else unchanged. */
  public static ReleaseSpec withEpsilon(ReleaseSpec spec, BigDecimal epsilon) {
    QueryPrivacyParameters parameters = spec.parameters();
    return spec.withParameters(
        new QueryPrivacyParameters(
                epsilon,
                parameters.delta(),
                parameters.minimumDistinctUnits(),
                parameters.maxGroupsContributed(),
                parameters.releaseRemainder())
            .withMechanism(pinnedMechanism(spec)));
  }

  /**
   * The mechanism the query is released with at its own epsilon, kept at every other epsilon (so
   * that a bisection over epsilon compares one mechanism, and does not weigh every candidate at
   * every step); {@code auto} when that is the truncated geometric, which cannot be asked by name.
   */
  private static MechanismPreference pinnedMechanism(ReleaseSpec spec) {
    if (spec.parameters().mechanism() != MechanismPreference.AUTO) {
      return spec.parameters().mechanism();
    }
    return switch (Releaser.forSpec(spec).accounting().mechanism()) {
      case "laplace" -> MechanismPreference.LAPLACE;
      case "gaussian" -> MechanismPreference.GAUSSIAN;
      default -> MechanismPreference.AUTO;
    };
  }

  /** The column's 95% noise half-width when the query spends {@code epsilon}. */
  public static Optional<BigDecimal> halfWidth(
      ReleaseSpec spec, String column, BigDecimal epsilon) {
    List<ColumnNoise> noise;
    try {
      noise = Releaser.forSpec(withEpsilon(spec, epsilon)).noiseReport();
    } catch (PolicyException e) {
      // An epsilon so small that the noise cannot be sized: no half-width is reached.
      return Optional.empty();
    }
    for (ColumnNoise entry : noise) {
      if (entry.column().equals(column)) {
        return Optional.of(entry.ci95HalfWidth());
      }
    }
    throw new IllegalArgumentException("no noised column '" + column + "'");
  }

  private static boolean reaches(ReleaseSpec spec, String column, BigDecimal target, int step) {
    return halfWidth(spec, column, gridEpsilon(step))
        .map(width -> width.compareTo(target) <= 0)
        .orElse(false);
  }

  /** The epsilon of grid step {@code step}: {@code (100 + step % 900) · 10^(step / 900 - 6)}. */
  static BigDecimal gridEpsilon(int step) {
    return plain(
        BigDecimal.valueOf(100 + step % STEPS_PER_DECADE)
            .scaleByPowerOfTen(step / STEPS_PER_DECADE + LOWEST_EXPONENT));
  }

  /** Without trailing zeros, and whole numbers without an exponent. */
  private static BigDecimal plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }
}
