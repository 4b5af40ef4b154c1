package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"queryId", "columns", "rows", "privacy", "policyVersions", "dataVersions"})
public record Answer(
    String queryId,
    List<AnswerColumn> columns,
    List<List<Object>> rows,
    PrivacyReport privacy,
    Map<String, Integer> policyVersions,
    Map<String, Integer> dataVersions) {

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
  }

  /** One output column and its SQL type name ({@code VARCHAR}, {@code BIGINT}, ...). */
  public record AnswerColumn(String name, String type) {
    public AnswerColumn {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
    }
  }

  /**
   * What the answer cost and how it was protected.
   *
   * @param minimumDistinctUnits the k no released group was below
   * @param suppressedGroups groups withheld (itself noised)
   * @param cached whether this is a stored answer returned again at no cost
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "epsilonSpent",
    "epsilonRemaining",
    "delta",
    "minimumDistinctUnits",
    "suppressedGroups",
    "cached",
    "noise"
  })
  public record PrivacyReport(
      BigDecimal epsilonSpent,
      BigDecimal epsilonRemaining,
      double delta,
      int minimumDistinctUnits,
      long suppressedGroups,
      boolean cached,
      List<NoiseReport> noise) {
    public PrivacyReport {
      requireNonNull(epsilonSpent, "epsilonSpent is null");
      noise = List.copyOf(noise);
    }

    public PrivacyReport asCached(BigDecimal remaining) {
      return new PrivacyReport(
          BigDecimal.ZERO, remaining, delta, minimumDistinctUnits, suppressedGroups, true, noise);
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
        newQueryId, columns, rows, privacy.asCached(remaining), policyVersions, dataVersions);
  }
}
