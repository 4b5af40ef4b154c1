package dev.cleanroom.testkit.audit;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The private plan's exact semantics in plain Java, so the audit can run without the rewrite: per
 * unit and group, sum and count the rows and clamp them; keep at most {@code maxGroupsContributed}
 * groups per unit, chosen by a keyed hash; per group, add up the clamped values and count the
 * units. Rows out: {@code [group keys..., clamped sum, clamped count, distinct units]}.
 */
public final class PlainExactEngine {

  /** One input row, already reduced to what the plan reads: its unit, its group and its metric. */
  public record Contribution(Object unit, List<Object> group, BigDecimal metric) {
    public Contribution {
      requireNonNull(unit, "unit is null");
      group = List.copyOf(requireNonNull(group, "group is null"));
    }
  }

  private record UnitGroup(Object unit, List<Object> group) {}

  private static final class Partial {
    BigDecimal sum = BigDecimal.ZERO;
    long rows;
  }

  private final BigDecimal lowerBound;
  private final BigDecimal upperBound;
  private final long maxContributionsPerGroup;
  private final int maxGroupsContributed;
  private final long groupChoiceKey;

  public PlainExactEngine(
      BigDecimal lowerBound,
      BigDecimal upperBound,
      long maxContributionsPerGroup,
      int maxGroupsContributed,
      long groupChoiceKey) {
    this.lowerBound = requireNonNull(lowerBound, "lowerBound is null");
    this.upperBound = requireNonNull(upperBound, "upperBound is null");
    if (lowerBound.compareTo(upperBound) > 0) {
      throw new IllegalArgumentException("bounds are inverted: " + lowerBound + " > " + upperBound);
    }
    if (maxContributionsPerGroup < 1) {
      throw new IllegalArgumentException(
          "maxContributionsPerGroup must be >= 1, was " + maxContributionsPerGroup);
    }
    if (maxGroupsContributed < 1) {
      throw new IllegalArgumentException(
          "maxGroupsContributed must be >= 1, was " + maxGroupsContributed);
    }
    this.maxContributionsPerGroup = maxContributionsPerGroup;
    this.maxGroupsContributed = maxGroupsContributed;
    this.groupChoiceKey = groupChoiceKey;
  }

  /** The exact rows of the private plan over {@code contributions}. */
  public List<Object[]> run(List<Contribution> contributions) {
    // Per unit and group: SUM(metric), COUNT(*).
    Map<UnitGroup, Partial> partials = new LinkedHashMap<>();
    for (Contribution contribution : contributions) {
      Partial partial =
          partials.computeIfAbsent(
              new UnitGroup(contribution.unit(), contribution.group()), key -> new Partial());
      if (contribution.metric() != null) {
        partial.sum = partial.sum.add(contribution.metric());
      }
      partial.rows++;
    }
    // Per unit: keep the maxGroupsContributed groups that rank first by the keyed hash.
    Map<Object, List<UnitGroup>> groupsOfUnit = new LinkedHashMap<>();
    for (UnitGroup unitGroup : partials.keySet()) {
      groupsOfUnit.computeIfAbsent(unitGroup.unit(), unit -> new ArrayList<>()).add(unitGroup);
    }
    Map<List<Object>, Object[]> totals = new LinkedHashMap<>();
    Map<List<Object>, Integer> arity = new HashMap<>();
    for (List<UnitGroup> groups : groupsOfUnit.values()) {
      groups.sort(Comparator.comparingLong(this::rank));
      for (UnitGroup kept : groups.subList(0, Math.min(maxGroupsContributed, groups.size()))) {
        Partial partial = partials.get(kept);
        BigDecimal clampedSum = partial.sum.max(lowerBound).min(upperBound);
        long clampedCount = Math.min(partial.rows, maxContributionsPerGroup);
        int width = kept.group().size();
        arity.put(kept.group(), width);
        Object[] total =
            totals.computeIfAbsent(
                kept.group(),
                group -> {
                  Object[] row = new Object[width + 3];
                  for (int i = 0; i < width; i++) {
                    row[i] = group.get(i);
                  }
                  row[width] = BigDecimal.ZERO;
                  row[width + 1] = 0L;
                  row[width + 2] = 0L;
                  return row;
                });
        total[width] = ((BigDecimal) total[width]).add(clampedSum);
        total[width + 1] = (Long) total[width + 1] + clampedCount;
        total[width + 2] = (Long) total[width + 2] + 1;
      }
    }
    return List.copyOf(totals.values());
  }

  /** The inner equi-join of two tables of rows; output rows are a left row then a right row. */
  public static List<Object[]> innerJoin(
      List<Object[]> left, int leftKey, List<Object[]> right, int rightKey) {
    Map<Object, List<Object[]>> rightByKey = new HashMap<>();
    for (Object[] row : right) {
      if (row[rightKey] != null) {
        rightByKey.computeIfAbsent(row[rightKey], key -> new ArrayList<>()).add(row);
      }
    }
    List<Object[]> joined = new ArrayList<>();
    for (Object[] leftRow : left) {
      for (Object[] rightRow : rightByKey.getOrDefault(leftRow[leftKey], List.of())) {
        Object[] row = new Object[leftRow.length + rightRow.length];
        System.arraycopy(leftRow, 0, row, 0, leftRow.length);
        System.arraycopy(rightRow, 0, row, leftRow.length, rightRow.length);
        joined.add(row);
      }
    }
    return joined;
  }

  private long rank(UnitGroup unitGroup) {
    long hash = mix(groupChoiceKey ^ mix(unitGroup.unit().hashCode()));
    return mix(hash ^ unitGroup.group().hashCode());
  }

  /** The SplitMix64 finaliser: a well-spread 64-bit mix. */
  private static long mix(long value) {
    long z = value + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
