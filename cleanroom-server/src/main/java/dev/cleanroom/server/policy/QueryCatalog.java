package dev.cleanroom.server.policy;

import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.dataset.DeclaredColumn;
import dev.cleanroom.spi.TableName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * What one analyst may query: every dataset whose approved policy lists the analyst, as a Calcite
 * root schema with one sub-schema per member, plus those policies. Nothing else is visible, so an
 * unknown table and a hidden table look the same.
 */
@ApplicationScoped
public class QueryCatalog {
  private final DatasetCatalog datasets;
  private final Policies policies;
  private final ContributionKey contributionKey;

  @Inject
  public QueryCatalog(DatasetCatalog datasets, Policies policies, ContributionKey contributionKey) {
    this.datasets = datasets;
    this.policies = policies;
    this.contributionKey = contributionKey;
  }

  /** A visible dataset with the policy version in force. */
  public record VisibleTable(Dataset dataset, DatasetPolicy policy) {}

  /** The analysis context of one analyst, and the datasets behind its tables. */
  public record Visible(AnalysisContext context, Map<TableName, VisibleTable> tables) {}

  /** The approved catalog of {@code analyst}. */
  public Visible forAnalyst(long collaborationId, String analyst) {
    return forAnalyst(collaborationId, analyst, Map.of());
  }

  /**
   * The catalog with some policies replaced (a dry-run of a draft); a replacement makes its dataset
   * visible to the analyst when the replacement lists it.
   */
  public Visible forAnalyst(
      long collaborationId, String analyst, Map<Long, DatasetPolicy> replacements) {
    Map<TableName, VisibleTable> tables = new LinkedHashMap<>();
    for (Dataset dataset : datasets.list(collaborationId)) {
      DatasetPolicy policy =
          replacements.containsKey(dataset.id())
              ? replacements.get(dataset.id())
              : policies.current(dataset).orElse(null);
      if (policy != null && policy.allowedAnalysts().contains(analyst)) {
        tables.put(policy.table(), new VisibleTable(dataset, policy));
      }
    }
    return new Visible(context(analyst, tables), tables);
  }

  private AnalysisContext context(String analyst, Map<TableName, VisibleTable> tables) {
    Map<TableName, List<DeclaredColumn>> columns = new HashMap<>();
    Map<TableName, DatasetPolicy> visiblePolicies = new HashMap<>();
    tables.forEach(
        (name, table) -> {
          columns.put(name, table.dataset().columns());
          visiblePolicies.put(name, table.policy());
        });
    return contextOf(analyst, columns, visiblePolicies);
  }

  /**
   * The analysis context of {@code analyst} over tables given by their declared columns and their
   * policies, with no dataset behind them (the engine's warm-up at the start runs on such tables).
   */
  public AnalysisContext contextOf(
      String analyst,
      Map<TableName, List<DeclaredColumn>> columns,
      Map<TableName, DatasetPolicy> policies) {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    Map<String, SchemaPlus> members = new HashMap<>();
    for (Map.Entry<TableName, List<DeclaredColumn>> entry : columns.entrySet()) {
      TableName name = entry.getKey();
      SchemaPlus member =
          members.computeIfAbsent(name.member(), m -> root.add(m, new AbstractSchema()));
      member.add(name.dataset(), new DeclaredTable(entry.getValue()));
    }
    return new AnalysisContext(root, Map.copyOf(policies), analyst, contributionKey);
  }
}
