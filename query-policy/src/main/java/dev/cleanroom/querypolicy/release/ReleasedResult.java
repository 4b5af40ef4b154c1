package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a private query releases: the rows that passed, in the spec's column order, and the privacy
 * report that goes with them.
 *
 * @param rows released rows, one value per spec column (its <em>parts</em>): group keys as the
 *     engine returned them, noised aggregates; in the canonical order of {@link ReleaseOrder},
 *     which depends only on these values. {@link PostProcessing} computes what an answer shows from
 *     them. A row of a spec with {@link ColumnRole#AVG} columns carries after its parts, for each
 *     such column in spec order, the noisy sum and the noisy count it divided (released values,
 *     read by {@link CellIntervals})
 * @param remainderRow all suppressed groups together (group keys null), when the policy asks for it
 *     and it passes the same test; its distinct-unit value counts a unit once per suppressed group
 *     it is in. An answer shows it after the other rows ({@link ReleaseOrder#arrange})
 * @param suppressedGroups the number of groups not released, itself noised (an exact number would
 *     reveal a unit whose presence creates a group); empty unless the query asked for it ({@link
 *     ReleaseOptions#suppressedGroups}). Under public keys: the data's groups outside the key set
 * @param noise one entry per noised column of the spec (a returned aggregate, or one read only by a
 *     derived output, {@code HAVING} or {@code ORDER BY}), in spec order
 * @param epsilonSpent the epsilon this release spent (the query's epsilon)
 * @param deltaSpent the delta this release spent
 * @param threshold the noisy distinct-unit count a group had to reach (under public keys: the noisy
 *     count from which a key's aggregates are shown, k; for the truncated-geometric decision, which
 *     has none: the exact count released with probability one half)
 * @param spent what each part of the epsilon and delta paid for
 * @param rule the release rule used
 * @param accounting the mechanism, and for Gaussian noise its ρ and the δ split
 */
public record ReleasedResult(
    List<Object[]> rows,
    Optional<Object[]> remainderRow,
    OptionalLong suppressedGroups,
    List<ColumnNoise> noise,
    BigDecimal epsilonSpent,
    double deltaSpent,
    long threshold,
    List<Spending> spent,
    ReleaseRule rule,
    ReleaseAccounting accounting) {

  /** A thresholded Laplace release with a suppressed count and no spending list (for tests). */
  public ReleasedResult(
      List<Object[]> rows,
      Optional<Object[]> remainderRow,
      long suppressedGroups,
      List<ColumnNoise> noise,
      BigDecimal epsilonSpent,
      double deltaSpent,
      long threshold) {
    this(
        rows,
        remainderRow,
        OptionalLong.of(suppressedGroups),
        noise,
        epsilonSpent,
        deltaSpent,
        threshold,
        List.of(),
        ReleaseRule.Threshold.PLAIN,
        ReleaseAccounting.laplace("laplace", epsilonSpent, deltaSpent));
  }

  public ReleasedResult {
    rows = List.copyOf(requireNonNull(rows, "rows is null"));
    requireNonNull(remainderRow, "remainderRow is null");
    noise = List.copyOf(requireNonNull(noise, "noise is null"));
    requireNonNull(epsilonSpent, "epsilonSpent is null");
    requireNonNull(suppressedGroups, "suppressedGroups is null");
    if (suppressedGroups.isPresent() && suppressedGroups.getAsLong() < 0) {
      throw new IllegalArgumentException(
          "suppressedGroups must be >= 0, was " + suppressedGroups.getAsLong());
    }
    spent = List.copyOf(requireNonNull(spent, "spent is null"));
    requireNonNull(rule, "rule is null");
    requireNonNull(accounting, "accounting is null");
  }
}
