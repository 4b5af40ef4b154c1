package dev.cleanroom.querypolicy.analysis;

import static java.util.Objects.requireNonNull;

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
 */
public record AnalysisContext(
    SchemaPlus rootSchema,
    Map<TableName, DatasetPolicy> policies,
    String analyst,
    ContributionKey contributionKey) {

  public AnalysisContext {
    requireNonNull(rootSchema, "rootSchema is null");
    policies = Map.copyOf(requireNonNull(policies, "policies is null"));
    requireNonNull(analyst, "analyst is null");
    requireNonNull(contributionKey, "contributionKey is null");
    for (Map.Entry<TableName, DatasetPolicy> entry : policies.entrySet()) {
      if (!entry.getValue().table().equals(entry.getKey())) {
        throw new IllegalArgumentException(
            "policy of " + entry.getValue().table() + " is filed under " + entry.getKey());
      }
    }
  }
}
