package dev.cleanroom.querypolicy.policy;

/** An aggregate a policy may allow over a metric column. */
public enum MetricAggregate {
  COUNT,
  SUM,
  AVG
}
