package dev.cleanroom.connectors;

/** What went wrong in a connector; the server maps each code to a problem+json status. */
public enum ConnectorErrorCode {
  /** A dataset declaration (columns, types) is invalid. */
  INVALID_SCHEMA,
  /** Ingest rules name unknown columns or contradict the declaration. */
  INVALID_RULES,
  /** An argument to a connector API is invalid (not data dependent). */
  INVALID_ARGUMENT,
  /** The upload is larger than the configured limit. */
  UPLOAD_TOO_LARGE,
  /** The upload holds no header or no rows. */
  EMPTY_UPLOAD,
  /** The upload format is not one we read. */
  UNSUPPORTED_FORMAT,
  /** The bytes are not valid UTF-8. */
  INVALID_ENCODING,
  /** CSV structure is broken: ragged row, unterminated or stray quote. */
  MALFORMED_CSV,
  /** A declared column is absent from the upload. */
  MISSING_COLUMN,
  /** A column appears twice in the upload's header or schema. */
  DUPLICATE_COLUMN,
  /** The upload has a column that is not declared. */
  UNKNOWN_COLUMN,
  /** A column name differs from a declared one only by case, spacing or look-alike characters. */
  LOOKALIKE_COLUMN,
  /**
   * A value cannot be read as its declared type, or a column's type differs from the declaration.
   */
  TYPE_MISMATCH,
  /** A value is out of its type's range (precision, scale, width). */
  VALUE_OUT_OF_RANGE,
  /** A boolean is written in a form other than true/false. */
  AMBIGUOUS_BOOLEAN,
  /** A metric value is NaN or infinite. */
  NON_FINITE_VALUE,
  /** A column that must never be NULL (the privacy unit) holds NULL. */
  NULL_VALUE,
  /** A column that must be unique (one row per privacy unit) repeats a value. */
  DUPLICATE_VALUE,
  /** A fingerprinted join-key column holds something that is not a fingerprint. */
  NOT_A_FINGERPRINT,
  /** A nested or otherwise unsupported column type in a Parquet or Arrow upload. */
  UNSUPPORTED_TYPE,
  /** The schema changes inside an Arrow stream. */
  SCHEMA_CHANGED,
  /** A Parquet or Arrow file is truncated or corrupt (magic, footer, dictionary indices). */
  CORRUPT_FILE,
  /** A stored file failed authentication: tampered, truncated, reordered or under another key. */
  INTEGRITY_FAILURE,
  /** A key is missing, malformed or of the wrong length. */
  KEY_ERROR,
  /** A dataset or one of its versions does not exist. */
  NOT_FOUND,
  /** Reading or writing storage failed for a reason unrelated to the data. */
  STORAGE_FAILURE
}
