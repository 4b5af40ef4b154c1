package dev.cleanroom.server.policy;

import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PrivacyParameters;
import dev.cleanroom.querypolicy.release.PolicyAccuracyTable;
import dev.cleanroom.querypolicy.release.QueryPrivacyParameters;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.policy.QueryCatalog.Visible;
import dev.cleanroom.server.problem.PolicyProblems;
import dev.cleanroom.server.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tries example queries against a policy version in place of the approved one, from one analyst's
 * view. Analysis only: nothing runs, no budget moves, nothing is audited.
 */
@ApplicationScoped
public class DryRuns {
  private static final String ACCEPTED = "ACCEPTED";
  private static final String REJECTED = "REJECTED";
  private static final String ERROR = "ERROR";

  private final QueryCatalog catalog;
  private final QueryAnalyzer analyzer;

  @Inject
  public DryRuns(QueryCatalog catalog, QueryAnalyzer analyzer) {
    this.catalog = catalog;
    this.analyzer = analyzer;
  }

  /**
   * What {@code draft}, standing in for the approved policy of {@code dataset}, makes of each case.
   */
  public DryRun.Report run(
      Dataset dataset, int version, DatasetPolicy draft, String analyst, List<DryRun.Case> cases) {
    Visible visible =
        catalog.forAnalyst(dataset.collaborationId(), analyst, Map.of(dataset.id(), draft));
    List<DryRun.CaseResult> results =
        cases.stream().map(example -> tryCase(visible, example)).toList();
    return new DryRun.Report(
        version,
        analyst,
        count(results, Boolean.TRUE),
        count(results, Boolean.FALSE),
        results,
        accuracy(draft));
  }

  /** The accuracy table for the draft's own settings. */
  static DryRun.Accuracy accuracy(DatasetPolicy draft) {
    PrivacyParameters privacy = draft.privacy();
    QueryPrivacyParameters parameters =
        new QueryPrivacyParameters(
            privacy.epsilonPerQuery(),
            privacy.delta(),
            draft.minimumDistinctUnits(),
            privacy.maxGroupsContributed(),
            privacy.releaseRemainder());
    Map<String, BigDecimal[]> metrics = new LinkedHashMap<>();
    for (ColumnPolicy column : draft.columns()) {
      if (column.columnClass() == ColumnClass.METRIC) {
        metrics.put(
            column.name(), new BigDecimal[] {column.bounds().lower(), column.bounds().upper()});
      }
    }
    return new DryRun.Accuracy(
        "SELECT key, COUNT(DISTINCT unit) AS reach, COUNT(*) AS rows, SUM(metric) ... GROUP BY"
            + " key, one metric at a time: the smallest exact number of people whose group is"
            + " shown 50% and 95% of the time, and each column's noise half-width at 95%",
        PolicyAccuracyTable.of(parameters, privacy.maxContributionsPerGroup(), metrics));
  }

  private DryRun.CaseResult tryCase(Visible visible, DryRun.Case example) {
    try {
      AnalysisResult result = analyzer.analyze(example.sql(), visible.context());
      if (result instanceof AnalysisResult.Rejected rejected) {
        return result(example, REJECTED, PolicyProblems.violations(rejected.violations()), null);
      }
      return result(example, ACCEPTED, null, null);
    } catch (PolicyException e) {
      return result(example, ERROR, null, e);
    }
  }

  /** The case's outcome, and whether it is the one the case expects. */
  private static DryRun.CaseResult result(
      DryRun.Case example,
      String outcome,
      List<Problem.Violation> violations,
      PolicyException error) {
    Boolean met = example.expect() == null ? null : example.expect().equals(outcome);
    return new DryRun.CaseResult(
        example.name(),
        outcome,
        violations,
        error == null ? null : error.code().name(),
        error == null ? null : error.getMessage(),
        met);
  }

  private static int count(List<DryRun.CaseResult> results, Boolean passed) {
    return (int) results.stream().filter(result -> passed.equals(result.passed())).count();
  }
}
