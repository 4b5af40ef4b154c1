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
}
