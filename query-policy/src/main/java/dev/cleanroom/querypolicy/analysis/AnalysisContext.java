package dev.cleanroom.querypolicy.analysis;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.spi.TableName;
import java.util.Map;
import org.apache.calcite.schema.SchemaPlus;

/**
 * Everything one analysis needs besides the SQL.
 *
 * @param rootSchema the Calcite root schema the server built for this analyst: one sub-schema per
 *     member, holding only the tables the analyst may see
 * @param policies the approved policy of every visible table
 * @param analyst the member asking
 * @param contributionKey the server-held key of the hash that chooses each unit's groups
 * @param purpose the purpose the query declares, or {@code null}: a table that records consent by
 *     purpose is read only for one of its purposes, and only the rows consenting to it
 */
public record AnalysisContext(
    SchemaPlus rootSchema,
    Map<TableName, DatasetPolicy> policies,
    String analyst,
    ContributionKey contributionKey,
    String purpose) {

  /** The context of a query that declares no purpose. */
  public AnalysisContext(
      SchemaPlus rootSchema,
      Map<TableName, DatasetPolicy> policies,
      String analyst,
      ContributionKey contributionKey) {
    this(rootSchema, policies, analyst, contributionKey, null);
  }

  /** The same context for a query that declares {@code purpose} (or none, with null). */
  public AnalysisContext withPurpose(String purpose) {
    return new AnalysisContext(rootSchema, policies, analyst, contributionKey, purpose);
  }

  public AnalysisContext {
    requireNonNull(rootSchema, "rootSchema is null");
    policies = Map.copyOf(requireNonNull(policies, "policies is null"));
    requireNonNull(analyst, "analyst is null");
    requireNonNull(contributionKey, "contributionKey is null");
    if (purpose != null && !ColumnPolicy.PURPOSE.matcher(purpose).matches()) {
      throw new IllegalArgumentException(
          "a purpose is a lower-case identifier of at most 32 characters ([a-z][a-z0-9_]*)");
    }
    for (Map.Entry<TableName, DatasetPolicy> entry : policies.entrySet()) {
      if (!entry.getValue().table().equals(entry.getKey())) {
        throw new IllegalArgumentException(
            "policy of " + entry.getValue().table() + " is filed under " + entry.getKey());
      }
    }
  }
}
