package dev.cleanroom.querypolicy.analysis;

/** Why a query was refused; stable machine codes that clients and the example corpus switch on. */
public enum ViolationCode {
  /** A personal-data column is read anywhere. */
  PII_REFERENCED,
  /** The consent column is referenced: the server applies it, the analyst never does. */
  CONSENT_REFERENCED,
  /** A column without a class in the policy is read. */
  UNCLASSIFIED_COLUMN,
  /** The privacy unit is used elsewhere than {@code COUNT(DISTINCT unit)} or a key equi-join. */
  PRIVACY_UNIT_MISUSED,
  /** A join key is used elsewhere than an equi-join condition. */
  JOIN_KEY_MISUSED,
  /** A metric is read outside an aggregate (output, filter, group by, join). */
  METRIC_NOT_AGGREGATED,
  /** {@code SUM} or {@code AVG} over an expression that reads no metric, so has no bounds. */
  AGGREGATE_WITHOUT_METRIC,
  /** One aggregate reads more than one metric, so its bounds are ambiguous. */
  MULTIPLE_METRICS_IN_AGGREGATE,
  /** An aggregate function the policy does not allow (MIN, MAX, LISTAGG, SUM(DISTINCT), ...). */
  AGGREGATE_NOT_ALLOWED,
  /** {@code COUNT(DISTINCT x)} where x is not the privacy unit. */
  DISTINCT_NOT_ON_UNIT,
  /** An aggregate with a {@code WITHIN GROUP} clause ({@code FILTER} is supported). */
  AGGREGATE_CLAUSE_NOT_ALLOWED,
  /** The query returns rows, not aggregates. */
  NOT_AGGREGATED,
  /** An aggregate over the result of another aggregate. */
  NESTED_AGGREGATION,
  /**
   * An output computed after the aggregate that is not a number computed from aggregates and
   * literals (text from a count, an unsupported function, a group key inside a computation).
   */
  POST_AGGREGATE_EXPRESSION,
  /**
   * A {@code HAVING} condition that is not a function of aggregates and literals (it reads a group
   * key, or calls an unsupported function); {@code HAVING} applies to released rows.
   */
  HAVING_NOT_ALLOWED,
  /**
   * {@code ORDER BY} on something that is neither an output, a group key, an aggregate nor a value
   * computed from aggregates.
   */
  ORDER_BY_NOT_OUTPUT,
  /** {@code OFFSET}, or {@code ORDER BY}/{@code LIMIT} inside a sub-query. */
  ROW_LIMIT_NOT_ALLOWED,
  /** {@code UNION}, {@code INTERSECT}, {@code EXCEPT}. */
  SET_OPERATION,
  /** A window function ({@code OVER}, {@code QUALIFY}, {@code WINDOW}). */
  WINDOW_FUNCTION,
  /** {@code GROUPING SETS}, {@code ROLLUP}, {@code CUBE}, {@code GROUPING()}. */
  GROUPING_SETS,
  /** An outer, cross, comma, natural or semi join. */
  JOIN_TYPE_NOT_ALLOWED,
  /** The tables read reach the people of more than one table, which cannot all be bounded. */
  SEVERAL_PRIVACY_UNITS,
  /** A joined table is not joined on its key that names the person. */
  JOIN_NOT_ON_PERSON,
  /** A table joined with itself. */
  SELF_JOIN,
  /** A join that is not an equality of join keys both policies declare. */
  JOIN_NOT_ON_DECLARED_KEYS,
  /** Analyst-supplied rows ({@code VALUES}). */
  VALUES_NOT_ALLOWED,
  /** {@code TABLESAMPLE}. */
  SAMPLING,
  /** An optimizer hint. */
  HINT,
  /** {@code WITH RECURSIVE}. */
  RECURSION,
  /** A dynamic parameter ({@code ?}). */
  DYNAMIC_PARAMETER,
  /** A sub-query in an expression ({@code IN (SELECT ..)}, {@code EXISTS}, scalar sub-query). */
  SUBQUERY_NOT_ALLOWED,
  /** A function outside the allow-list (system, file, XML, nondeterministic, user-defined, ...). */
  FUNCTION_NOT_ALLOWED,
  /** Not a single query: DML, DDL, {@code EXPLAIN}, {@code SET}, several statements. */
  STATEMENT_NOT_ALLOWED,
  /** A table that has no approved policy. */
  TABLE_WITHOUT_POLICY,
  /** A table whose policy does not list the analyst. */
  ANALYST_NOT_ALLOWED,
  /** A table that records consent by purpose, read by a query that declared no purpose. */
  PURPOSE_REQUIRED,
  /** A table read for a purpose it records no consent for: nobody consented to it. */
  PURPOSE_NOT_CONSENTED,
  /** A construct the policy layer does not understand, refused rather than guessed at. */
  UNSUPPORTED_CONSTRUCT,
  /**
   * A per-person value (a count or sum per person) used as a metric or group key without a bound:
   * clamp it ({@code LEAST(n, 10)}) or bucket it into literals ({@code CASE ... THEN 'high' ...}).
   */
  PER_PERSON_VALUE_UNBOUNDED
}
