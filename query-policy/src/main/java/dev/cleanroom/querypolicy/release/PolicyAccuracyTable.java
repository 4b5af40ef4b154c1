package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The table a privacy officer chooses epsilon by (README, "What a privacy officer chooses, and what
 * it costs"), computed by the release code for one policy's k, delta, m and bounds: for each
 * epsilon per query, from how many people a group is shown and the 95% half-width of the reach, a
 * row count and each metric's sum in the query {@code SELECT key, COUNT(DISTINCT unit), COUNT(*),
 * SUM(metric) ... GROUP BY key}.
 */
public final class PolicyAccuracyTable {

  /** The epsilons per query the table always shows. */
  public static final List<BigDecimal> STANDARD_EPSILONS =
      List.of(
          new BigDecimal("0.1"),
          new BigDecimal("0.5"),
          BigDecimal.ONE,
          new BigDecimal("2"),
          new BigDecimal("5"));

  // Names of the example query's columns; a metric is reported under its own name.
  private static final String KEY = "key";
  private static final String REACH = "people";
  private static final String ROWS = "rows";
  private static final String SUM = "sum";

  private PolicyAccuracyTable() {}

  /**
   * One epsilon per query.
   *
   * @param epsilonPerQuery the epsilon one query spends
   * @param policy whether it is the policy's own
   * @param epsilonPerColumn the share of epsilon of the row count (and of each column with one
   *     share)
   * @param threshold the noisy number of people a group must reach
   * @param shownHalfOfTheTime the smallest exact number of people shown with probability 50%
   * @param shownAlmostAlways the smallest exact number of people shown with probability 95%
   * @param reach the 95% half-width of the number of people of a group
   * @param rows the 95% half-width of the row count
   * @param sums for each metric, by name, the 95% half-width of its sum in the query that asks for
   *     it (reach, rows and that sum)
   */
  public record Row(
      BigDecimal epsilonPerQuery,
      boolean policy,
      BigDecimal epsilonPerColumn,
      long threshold,
      long shownHalfOfTheTime,
      long shownAlmostAlways,
      BigDecimal reach,
      BigDecimal rows,
      Map<String, BigDecimal> sums) {
    public Row {
      requireNonNull(epsilonPerQuery, "epsilonPerQuery is null");
      sums = Collections.unmodifiableMap(new LinkedHashMap<>(sums));
    }
  }

  /**
   * The table for a policy.
   *
   * @param parameters the policy's parameters (its epsilon is the policy's own row)
   * @param maxContributionsPerGroup the most rows of one person a row count counts per group
   * @param metricBounds each metric's {@code [lower, upper]}, by name, in policy order
   */
  public static List<Row> of(
      QueryPrivacyParameters parameters,
      int maxContributionsPerGroup,
      Map<String, BigDecimal[]> metricBounds) {
    requireNonNull(parameters, "parameters is null");
    TreeSet<BigDecimal> epsilons = new TreeSet<>(STANDARD_EPSILONS);
    epsilons.add(parameters.epsilon().stripTrailingZeros());
    List<Row> rows = new ArrayList<>();
    for (BigDecimal epsilon : epsilons) {
      rows.add(row(parameters, epsilon, maxContributionsPerGroup, metricBounds));
    }
    return rows;
  }

  private static Row row(
      QueryPrivacyParameters policy,
      BigDecimal epsilon,
      int maxContributionsPerGroup,
      Map<String, BigDecimal[]> metricBounds) {
    ReleaseSpec counts = spec(policy, epsilon, maxContributionsPerGroup, null, null);
    if (!metricBounds.isEmpty()) {
      // The query shape of the README: the shares of reach and rows are those of a query with one
      // sum.
      Map.Entry<String, BigDecimal[]> first = metricBounds.entrySet().iterator().next();
      counts = spec(policy, epsilon, maxContributionsPerGroup, first.getKey(), first.getValue());
    }
    Releaser releaser = Releaser.forSpec(counts);
    AccuracyPlanner.GroupsShown shown = AccuracyPlanner.groupsShown(counts);
    Map<String, BigDecimal> sums = new LinkedHashMap<>();
    for (Map.Entry<String, BigDecimal[]> metric : metricBounds.entrySet()) {
      try {
        ReleaseSpec withSum =
            spec(policy, epsilon, maxContributionsPerGroup, metric.getKey(), metric.getValue());
        sums.put(metric.getKey(), halfWidth(Releaser.forSpec(withSum).noiseReport(), SUM));
      } catch (PolicyException e) {
        // Bounds [0, 0]: nothing to sum, so no row for it.
      }
    }
    List<ColumnNoise> noise = releaser.noiseReport();
    return new Row(
        epsilon,
        epsilon.compareTo(policy.epsilon()) == 0,
        noise.stream()
            .filter(entry -> entry.column().equals(ROWS))
            .findFirst()
            .orElseThrow()
            .epsilon(),
        shown.threshold(),
        shown.halfOfTheTime(),
        shown.almostAlways(),
        halfWidth(noise, REACH),
        halfWidth(noise, ROWS),
        sums);
  }

  private static BigDecimal halfWidth(List<ColumnNoise> noise, String column) {
    return noise.stream()
        .filter(entry -> entry.column().equals(column))
        .findFirst()
        .orElseThrow()
        .ci95HalfWidth();
  }

  /** {@code key, COUNT(DISTINCT unit), COUNT(*)} and, when {@code metric} is set, its sum. */
  private static ReleaseSpec spec(
      QueryPrivacyParameters policy,
      BigDecimal epsilon,
      int maxContributionsPerGroup,
      String metric,
      BigDecimal[] bounds) {
    List<ReleaseColumn> columns = new ArrayList<>();
    columns.add(new ReleaseColumn(KEY, ColumnRole.GROUP_KEY, 0, -1, null, null));
    columns.add(
        new ReleaseColumn(
            REACH, ColumnRole.DISTINCT_UNITS, 1, -1, BigDecimal.ZERO, BigDecimal.ONE));
    columns.add(
        new ReleaseColumn(
            ROWS,
            ColumnRole.COUNT,
            2,
            -1,
            BigDecimal.ZERO,
            BigDecimal.valueOf(maxContributionsPerGroup)));
    if (metric != null) {
      columns.add(new ReleaseColumn(SUM, ColumnRole.SUM, 3, -1, bounds[0], bounds[1]));
    }
    return AccuracyPlanner.withEpsilon(new ReleaseSpec(columns, 1, policy), epsilon);
  }
}
