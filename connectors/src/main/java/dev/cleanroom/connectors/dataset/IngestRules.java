package dev.cleanroom.connectors.dataset;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.spi.ColumnType;
import java.util.Set;

/**
 * What an upload must satisfy beyond its declared types. The server derives these from the policy,
 * which this module cannot see: the privacy unit is non-null and, for one row per unit, unique;
 * join keys declared as fingerprints must look like fingerprints; metrics must be finite.
 *
 * @param nonNullColumns columns that may never hold NULL
 * @param uniqueColumns columns whose non-null values may not repeat
 * @param fingerprintColumns VARCHAR columns whose non-null values must be fingerprints
 * @param metricColumns DOUBLE or DECIMAL columns whose values must be finite
 * @param maxUploadBytes the largest upload accepted, in bytes
 */
public record IngestRules(
    Set<String> nonNullColumns,
    Set<String> uniqueColumns,
    Set<String> fingerprintColumns,
    Set<String> metricColumns,
    long maxUploadBytes) {

  /** The default upload limit: 1 GiB. */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 1L << 30;

  public IngestRules {
    nonNullColumns = Set.copyOf(requireNonNull(nonNullColumns, "nonNullColumns is null"));
    uniqueColumns = Set.copyOf(requireNonNull(uniqueColumns, "uniqueColumns is null"));
    fingerprintColumns =
        Set.copyOf(requireNonNull(fingerprintColumns, "fingerprintColumns is null"));
    metricColumns = Set.copyOf(requireNonNull(metricColumns, "metricColumns is null"));
    if (maxUploadBytes <= 0) {
      throw new ConnectorException(
          ConnectorErrorCode.INVALID_RULES,
          "maxUploadBytes must be positive, got " + maxUploadBytes);
    }
  }

  /** No rules beyond the declared types, with the default size limit. */
  public static IngestRules none() {
    return new IngestRules(Set.of(), Set.of(), Set.of(), Set.of(), DEFAULT_MAX_UPLOAD_BYTES);
  }

  public IngestRules withMaxUploadBytes(long limit) {
    return new IngestRules(nonNullColumns, uniqueColumns, fingerprintColumns, metricColumns, limit);
  }

  /** Checks that every named column is declared with a type its rule applies to. */
  public void validateAgainst(DatasetSchema schema) {
    requireNonNull(schema, "schema is null");
    nonNullColumns.forEach(schema::requireIndex);
    uniqueColumns.forEach(schema::requireIndex);
    for (String name : fingerprintColumns) {
      ColumnType type = schema.column(schema.requireIndex(name)).type();
      if (type.kind() != ColumnType.Kind.VARCHAR) {
        throw new ConnectorException(
            ConnectorErrorCode.INVALID_RULES,
            "fingerprint column '" + name + "' must be VARCHAR, is declared " + type);
      }
    }
    for (String name : metricColumns) {
      ColumnType.Kind kind = schema.column(schema.requireIndex(name)).type().kind();
      if (kind == ColumnType.Kind.VARCHAR
          || kind == ColumnType.Kind.DATE
          || kind == ColumnType.Kind.TIMESTAMP) {
        throw new ConnectorException(
            ConnectorErrorCode.INVALID_RULES, "metric column '" + name + "' must be numeric");
      }
    }
  }
}
