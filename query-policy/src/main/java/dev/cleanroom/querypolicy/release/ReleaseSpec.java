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
 */
public record ReleaseSpec(
    List<ReleaseColumn> columns, int distinctUnitsField, QueryPrivacyParameters parameters) {

  public ReleaseSpec {
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    requireNonNull(parameters, "parameters is null");
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a private query releases at least one column");
    }
    if (distinctUnitsField < 0) {
      throw new IllegalArgumentException(
          "distinctUnitsField must be >= 0, was " + distinctUnitsField);
    }
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
