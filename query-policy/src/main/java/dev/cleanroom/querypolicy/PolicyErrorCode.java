package dev.cleanroom.querypolicy;

/** Why the policy layer refused something; stable, so clients and the server can switch on it. */
public enum PolicyErrorCode {
  /** A policy document is malformed or contradicts itself. */
  INVALID_POLICY,
  /** The SQL text cannot be parsed, or is not a single query. */
  MALFORMED_SQL,
  /** The SQL is larger or deeper than the analyser accepts. */
  QUERY_TOO_COMPLEX,
  /** The query names a table or column the analyst cannot see. */
  UNKNOWN_OBJECT,
  /** The query breaks one or more policy rules; the violations say which. */
  POLICY_VIOLATION,
  /** Spending the query's epsilon would exceed a budget. */
  BUDGET_EXHAUSTED,
  /** A privacy parameter is out of its allowed range. */
  INVALID_PRIVACY_PARAMETER,
  /** The engine failed while running a private plan; reported the same way whatever the data. */
  EXECUTION_FAILED
}
