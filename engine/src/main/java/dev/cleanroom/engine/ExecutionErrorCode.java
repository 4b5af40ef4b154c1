package dev.cleanroom.engine;

/** Why an engine refused or failed to run a plan; the server maps codes to statuses. */
public enum ExecutionErrorCode {
  /** A relational operator, aggregate or window function the executor does not implement. */
  UNSUPPORTED_PLAN,
  /** A scalar expression or type the executor does not implement. */
  UNSUPPORTED_EXPRESSION,
  /** A table scan names a table that was not supplied. */
  TABLE_NOT_FOUND,
  /** A column of a scanned table is missing from the Arrow data or has another type. */
  COLUMN_MISMATCH,
  /** The query needed more memory than {@link ExecutionLimits#maxMemoryBytes()} allows. */
  MEMORY_LIMIT_EXCEEDED,
  /** An intermediate result would exceed the maximum number of rows of one relation. */
  ROW_LIMIT_EXCEEDED,
  /** Integer overflow, division by zero or a failed cast while evaluating an expression. */
  ARITHMETIC_ERROR,
  /** The query's thread was interrupted (its time limit passed or it was cancelled). */
  INTERRUPTED,
  /**
   * An engine outside the server's process (a Spark cluster) cannot be reached or refused the
   * connection; decided before the plan runs, never by the data.
   */
  ENGINE_UNAVAILABLE,
  /** A worker thread failed, or the engine failed in a way it does not classify. */
  INTERNAL_ERROR
}
