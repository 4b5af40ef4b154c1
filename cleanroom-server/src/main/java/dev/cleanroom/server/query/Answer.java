package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cleanroom.querypolicy.release.CellIntervals;
import dev.cleanroom.querypolicy.release.ReleaseAccounting;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A released answer as DESIGN.md shows it: columns, rows of released values and the privacy report.
 * Values are JSON-ready: strings, numbers, booleans or null (dates and timestamps as ISO text).
 *
 * @param policyVersions the approved policy version of every table read, by table
 * @param dataVersions the data version of every table read, by table
 * @param intervals parallel to {@code rows}: for each row, for each column, the 95% interval {@code
 *     [low, high]} of the value without noise ({@link CellIntervals#METHOD}), or {@code null} for a
 *     group key and where it is unknown or unbounded; absent in an answer stored before intervals
 *     existed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "queryId",
  "columns",
  "rows",
  "intervals",
  "privacy",
  "policyVersions",
  "dataVersions"
})
public record Answer(
    String queryId,
    List<AnswerColumn> columns,
    List<List<Object>> rows,
    PrivacyReport privacy,
    Map<String, Integer> policyVersions,
    Map<String, Integer> dataVersions,
    List<List<List<Number>>> intervals) {

  /** An answer without intervals. */
  public Answer(
      String queryId,
      List<AnswerColumn> columns,
      List<List<Object>> rows,
      PrivacyReport privacy,
      Map<String, Integer> policyVersions,
      Map<String, Integer> dataVersions) {
    this(queryId, columns, rows, privacy, policyVersions, dataVersions, null);
  }

  public Answer {
    requireNonNull(queryId, "queryId is null");
    columns = List.copyOf(columns);
    List<List<Object>> copied = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "a row has " + row.size() + " values for " + columns.size() + " columns");
      }
      // List.copyOf refuses nulls, and a released group key may be NULL.
      copied.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copied);
    requireNonNull(privacy, "privacy is null");
    policyVersions = Map.copyOf(policyVersions);
    dataVersions = Map.copyOf(dataVersions);
    if (intervals != null) {
      if (intervals.size() != rows.size()) {
        throw new IllegalArgumentException(
            intervals.size() + " rows of intervals for " + rows.size() + " rows");
      }
      List<List<List<Number>>> copiedIntervals = new ArrayList<>(intervals.size());
      for (List<List<Number>> row : intervals) {
        if (row.size() != columns.size()) {
          throw new IllegalArgumentException(
              "a row has " + row.size() + " intervals for " + columns.size() + " columns");
        }
        // A group key's interval is null, which List.copyOf refuses.
        copiedIntervals.add(Collections.unmodifiableList(new ArrayList<>(row)));
      }
      intervals = Collections.unmodifiableList(copiedIntervals);
    }
  }

  /**
   * One output column and its SQL type name ({@code VARCHAR}, {@code BIGINT}, ...).
   *
   * @param noised whether its values carry noise, and so an interval ({@code false} for group keys)
   */
  public record AnswerColumn(String name, String type, boolean noised) {
    public AnswerColumn {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
    }

    /** A column without noise (a group key). */
    public AnswerColumn(String name, String type) {
      this(name, type, false);
    }
  }

  /**
   * What the answer cost and how it was protected.
   *
   * @param minimumDistinctUnits the k no released group was below (under public keys: no key's
   *     aggregates are shown below it, on the noised count)
   * @param suppressedGroups groups withheld (itself noised); {@code null}, and absent from JSON,
   *     unless the query asked for it ({@code options.suppressedGroups})
   * @param cached whether this is a stored answer returned again at no cost
   * @param noise the noise on every released part: each returned aggregate under its column name,
   *     and each aggregate read only by a derived output, {@code HAVING} or {@code ORDER BY} under
   *     its SQL text
   * @param derived for each output computed from released parts after noise, its parts and
   *     approximate intervals; absent when there is none
   * @param releaseRule how the rows shown were chosen: {@code threshold}, or {@code public keys:
   *     policy}, {@code public keys: query} or {@code public keys: policy and query}
   * @param publicKeys under public keys, the number of key combinations shown; else absent
   * @param releaseNote why public keys were not used although named, when they were not
   * @param spent what each part of the epsilon and delta paid for
   * @param mechanism which noise and release rule were used, with zCDP's ρ and the δ split for
   *     Gaussian noise; absent in answers stored before it was reported
   * @param engine the engine that computed the exact rows ({@code vectorized}, {@code reference} or
   *     {@code spark}); absent in answers stored before it was reported
   * @param purpose the purpose the query declared; absent when it declared none
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "epsilonSpent",
    "epsilonRemaining",
    "delta",
    "minimumDistinctUnits",
    "suppressedGroups",
    "cached",
    "noise",
    "derived",
    "releaseRule",
    "publicKeys",
    "releaseNote",
    "spent",
    "mechanism",
    "engine",
    "purpose"
  })
  public record PrivacyReport(
      BigDecimal epsilonSpent,
      BigDecimal epsilonRemaining,
      double delta,
      int minimumDistinctUnits,
      Long suppressedGroups,
      boolean cached,
      List<NoiseReport> noise,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<DerivedReport> derived,
      String releaseRule,
      Long publicKeys,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String releaseNote,
      List<SpentReport> spent,
      Mechanism mechanism,
      String engine,
      String purpose) {
    public PrivacyReport {
      requireNonNull(epsilonSpent, "epsilonSpent is null");
      noise = List.copyOf(noise);
      derived = derived == null ? List.of() : List.copyOf(derived);
      spent = spent == null ? List.of() : List.copyOf(spent);
    }

    /** A report of a thresholded answer without derived outputs or a spending list. */
    public PrivacyReport(
        BigDecimal epsilonSpent,
        BigDecimal epsilonRemaining,
        double delta,
        int minimumDistinctUnits,
        Long suppressedGroups,
        boolean cached,
        List<NoiseReport> noise) {
      this(
          epsilonSpent,
          epsilonRemaining,
          delta,
          minimumDistinctUnits,
          suppressedGroups,
          cached,
          noise,
          List.of(),
          "threshold",
          null,
          null,
          List.of(),
          null,
          null,
          null);
    }

    public PrivacyReport asCached(BigDecimal remaining) {
      return new PrivacyReport(
          BigDecimal.ZERO,
          remaining,
          delta,
          minimumDistinctUnits,
          suppressedGroups,
          true,
          noise,
          derived,
          releaseRule,
          publicKeys,
          releaseNote,
          spent,
          mechanism,
          engine,
          purpose);
    }

    /**
     * The report without the per-row intervals of derived outputs: what response headers carry, so
     * their size does not grow with the number of rows.
     */
    public PrivacyReport withoutRowIntervals() {
      return new PrivacyReport(
          epsilonSpent,
          epsilonRemaining,
          delta,
          minimumDistinctUnits,
          suppressedGroups,
          cached,
          noise,
          derived.stream().map(DerivedReport::withoutIntervals).toList(),
          releaseRule,
          publicKeys,
          releaseNote,
          spent,
          mechanism,
          engine,
          purpose);
    }
  }

  /**
   * What one part of the epsilon (and delta) paid for: the release decision and distinct count, a
   * column, the remainder row, the suppressed-group count.
   */
  @JsonPropertyOrder({"purpose", "epsilon", "delta"})
  public record SpentReport(String purpose, BigDecimal epsilon, double delta) {
    public SpentReport {
      requireNonNull(purpose, "purpose is null");
      requireNonNull(epsilon, "epsilon is null");
    }
  }

  /**
   * How a query was released: the mechanism, and for Gaussian noise its zCDP accounting.
   *
   * @param name {@code laplace} (Laplace noise and threshold), {@code truncated-geometric} (Laplace
   *     noise, optimal release decision for one group per person) or {@code gaussian}
   * @param rho for {@code gaussian}: the query's ρ (zCDP), the sum of its parts' ρ
   * @param convertedEpsilon for {@code gaussian}: ρ converted to ε at {@code conversionDelta},
   *     rounded up; at most the ε spent
   * @param conversionDelta the part of δ spent converting ρ to (ε, δ)
   * @param selectionDelta the part of δ spent on the release decision
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Mechanism(
      String name,
      BigDecimal rho,
      BigDecimal convertedEpsilon,
      double conversionDelta,
      double selectionDelta) {
    public Mechanism {
      requireNonNull(name, "name is null");
    }

    static Mechanism of(ReleaseAccounting accounting) {
      return new Mechanism(
          accounting.mechanism(),
          accounting.rho(),
          accounting.convertedEpsilon(),
          accounting.conversionDelta(),
          accounting.selectionDelta());
    }
  }

  /**
   * An output computed after noise from released parts (post-processing, no epsilon of its own).
   *
   * @param column the output column
   * @param expression how it is computed, its parts named as in {@code noise}
   * @param parts the noise on each part it reads
   * @param method how {@code intervals} are computed, and how approximate they are
   * @param intervals per answer row, in row order, {@code [low, high]}: an approximate 95% interval
   *     of the value without noise, or {@code null} where it is unknown or unbounded (a noised
   *     denominator whose interval reaches zero, a {@code CASE}, an average); absent in response
   *     headers
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"column", "expression", "parts", "method", "intervals"})
  public record DerivedReport(
      String column,
      String expression,
      List<NoiseReport> parts,
      String method,
      List<List<Double>> intervals) {
    public DerivedReport {
      requireNonNull(column, "column is null");
      requireNonNull(expression, "expression is null");
      parts = List.copyOf(parts);
      requireNonNull(method, "method is null");
      // An unknown interval is null, which List.copyOf refuses.
      intervals =
          intervals == null ? null : Collections.unmodifiableList(new ArrayList<>(intervals));
    }

    DerivedReport withoutIntervals() {
      return new DerivedReport(column, expression, parts, method, null);
    }
  }

  /** The noise on one column: mechanism, scale and the 95% interval half-width. */
  @JsonPropertyOrder({"column", "mechanism", "scale", "ci95"})
  public record NoiseReport(String column, String mechanism, double scale, double ci95) {
    public NoiseReport {
      requireNonNull(column, "column is null");
      requireNonNull(mechanism, "mechanism is null");
    }
  }

  /** The same answer served again from the cache. */
  public Answer asCached(String newQueryId, BigDecimal remaining) {
    return new Answer(
        newQueryId,
        columns,
        rows,
        privacy.asCached(remaining),
        policyVersions,
        dataVersions,
        intervals);
  }
}
