package dev.cleanroom.server.query;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of a query request.
 *
 * @param targetHalfWidth explain only: for a noised column (by name), the 95% half-width the
 *     analyst wants; explain answers the epsilon per query it needs (default: a table at standard
 *     targets for every noised column). It changes no answer, so it is not part of an answer's
 *     cache key
 */
public record QueryOptions(Map<String, BigDecimal> targetHalfWidth) {
  static final QueryOptions NONE = new QueryOptions(null);

  public QueryOptions {
    // A null target is refused by explain with its column's name, so it is kept here.
    targetHalfWidth = targetHalfWidth == null ? Map.of() : new LinkedHashMap<>(targetHalfWidth);
  }
}
