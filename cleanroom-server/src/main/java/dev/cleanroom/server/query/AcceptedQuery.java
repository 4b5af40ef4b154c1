package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.budget.QueryCharge;

/**
 * A query the policy accepted, and what running it involves: its id, the tables and versions it
 * reads, what it charges, the options it was asked with (part of its digest, so of its cache key).
 */
record AcceptedQuery(
    Caller analyst,
    String queryId,
    PrivateQuery query,
    TablesRead read,
    QueryCharge charge,
    QueryOptions options) {
  AcceptedQuery {
    requireNonNull(options, "options is null");
    requireNonNull(analyst, "analyst is null");
    requireNonNull(queryId, "queryId is null");
    requireNonNull(query, "query is null");
    requireNonNull(read, "read is null");
    requireNonNull(charge, "charge is null");
  }

  ReadVersions versions() {
    return read.versions();
  }

  /**
   * The cache key: the canonical plan, the declared purpose (the plan of a table without purposes
   * is the same for every purpose, but its answer names the purpose) and every version it read.
   */
  String cacheKey() {
    ReadVersions versions = versions();
    String question =
        options.purpose() == null
            ? query.canonicalDigest()
            : query.canonicalDigest() + " purpose=" + options.purpose();
    return CachedAnswers.key(question, versions.data(), versions.policies());
  }
}
