package dev.cleanroom.querypolicy.policy;

/** What a column of a protected table may be used for; a column with no class is unusable. */
public enum ColumnClass {
  /** Identifies the person; only in {@code COUNT(DISTINCT unit)} and equi-joins on keys. */
  PRIVACY_UNIT,
  /** A join fingerprint; only in equi-join conditions (and as a unit, when it links to one). */
  JOIN_KEY,
  /** Output, group by, filters and scalar functions. */
  DIMENSION,
  /** Only inside an allowed aggregate, each unit's contribution clamped to the bounds. */
  METRIC,
  /** Applied by the server on every scan; the analyst never references it. */
  CONSENT,
  /** Personal data: never usable. */
  PII
}
