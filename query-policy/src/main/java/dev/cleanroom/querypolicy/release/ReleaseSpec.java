package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Everything the noise layer needs to turn the exact rows of a private plan into released rows.
 *
 * @param columns the output columns, in output order
 * @param distinctUnitsField index, in the engine's exact row, of the exact distinct-unit count of
 *     the group (present even when the analyst did not ask for it: thresholding needs it)
 * @param parameters the privacy parameters in force
 * @param options what the analyst asked of the release beyond the SQL
 * @param rule how the release decides which groups are shown
 */
public record ReleaseSpec(
    List<ReleaseColumn> columns,
    int distinctUnitsField,
    QueryPrivacyParameters parameters,
    ReleaseOptions options,
    ReleaseRule rule) {

  /** A spec with the default options, released by the noisy threshold. */
  public ReleaseSpec(
      List<ReleaseColumn> columns, int distinctUnitsField, QueryPrivacyParameters parameters) {
    this(
        columns,
        distinctUnitsField,
        parameters,
        ReleaseOptions.DEFAULT,
        ReleaseRule.Threshold.PLAIN);
  }

  public ReleaseSpec {
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    requireNonNull(parameters, "parameters is null");
    requireNonNull(options, "options is null");
    requireNonNull(rule, "rule is null");
    if (rule instanceof ReleaseRule.PublicKeys keys
        && keys.keySets().size()
            <= columns.stream()
                .filter(c -> c.role() == ColumnRole.GROUP_KEY)
                .mapToInt(ReleaseColumn::valueField)
                .max()
                .orElse(-1)) {
      throw new IllegalArgumentException("public keys need a key set for every group key");
    }
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a private query releases at least one column");
    }
    if (distinctUnitsField < 0) {
      throw new IllegalArgumentException(
          "distinctUnitsField must be >= 0, was " + distinctUnitsField);
    }
  }

  /** The same spec with other privacy parameters (e.g. another mechanism preference). */
  public ReleaseSpec withParameters(QueryPrivacyParameters newParameters) {
    return new ReleaseSpec(columns, distinctUnitsField, newParameters, options, rule);
  }

  /** The same spec with other options. */
  public ReleaseSpec withOptions(ReleaseOptions newOptions) {
    return new ReleaseSpec(columns, distinctUnitsField, parameters, newOptions, rule);
  }

  /**
   * The exact rows with every fixed-point sum as the DOUBLE it stands for (exact: a sum of at most
   * 2^58 units is a double times a power of two), for reading and comparing them; the release reads
   * the units themselves.
   */
  public List<Object[]> plainRows(List<Object[]> exactRows) {
    return exactRows.stream()
        .map(
            row -> {
              Object[] plain = row.clone();
              for (ReleaseColumn column : columns) {
                int field = column.valueField();
                if (column.valueUnit().compareTo(java.math.BigDecimal.ONE) != 0
                    && field < plain.length
                    && plain[field] instanceof Number units) {
                  plain[field] = units.doubleValue() * column.valueUnit().doubleValue();
                }
              }
              return plain;
            })
        .toList();
  }
}
