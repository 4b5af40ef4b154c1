package dev.cleanroom.server.query;

import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.NoisyLimit;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.budget.BudgetAccounts;
import dev.cleanroom.server.budget.QueryCharge;
import dev.cleanroom.server.budget.Settlement;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.policy.QueryCatalog;
import dev.cleanroom.server.policy.QueryCatalog.Visible;
import dev.cleanroom.server.policy.QueryCatalog.VisibleTable;
import dev.cleanroom.server.problem.PolicyProblems;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.spi.TableName;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The flow of a query (DESIGN.md): analyse against the analyst's catalog, answer from the cache
 * when the same plan ran over the same versions, reserve budget, execute the private plan on the
 * vectorized executor within time and memory bounds, release with noise, commit, audit, answer.
 */
@ApplicationScoped
public class QueryService {
  private static final Logger LOG = Logger.getLogger(QueryService.class);

  private final QueryCatalog catalog;
  private final QueryAdmission admission;
  private final QueryAnalyzer analyzer;
  private final BudgetAccounts budgets;
  private final CachedAnswers cache;
  private final AuditLog audit;
  private final LoadedVersions versions;
  private final QueryEngines engines;
  private final NoiseSource noise;
  private final NoisyLimit timeoutMillis;
  private final NoisyLimit memoryBytes;
  private final int parallelism;
  private final ExecutorService queryThreads;

  @Inject
  public QueryService(
      QueryCatalog catalog,
      QueryAdmission admission,
      QueryAnalyzer analyzer,
      BudgetAccounts budgets,
      CachedAnswers cache,
      AuditLog audit,
      LoadedVersions versions,
      QueryEngines engines,
      NoiseSource noise,
      @ConfigProperty(name = "cleanroom.query.timeout") Duration timeout,
      @ConfigProperty(name = "cleanroom.query.max-memory-bytes") long maxMemoryBytes,
      @ConfigProperty(name = "cleanroom.query.parallelism") int parallelism) {
    this.catalog = catalog;
    this.admission = admission;
    this.analyzer = analyzer;
    this.budgets = budgets;
    this.cache = cache;
    this.audit = audit;
    this.versions = versions;
    this.engines = engines;
    this.noise = noise;
    // Each query gets its own limits, drawn below the configured ones (see NoisyLimit).
    this.timeoutMillis = NoisyLimit.around(timeout.toMillis());
    this.memoryBytes = NoisyLimit.around(maxMemoryBytes);
    this.parallelism = parallelism;
    this.queryThreads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "cleanroom-query");
              thread.setDaemon(true);
              return thread;
            });
  }

  @PreDestroy
  void stop() {
    queryThreads.shutdownNow();
  }

  /** Answers an analyst's query, or refuses it; either way one audit event. */
  public Answer ask(Caller analyst, String sql) {
    try (QueryAdmission.Slot slot = admission.admit(analyst.memberId())) {
      Visible visible = catalog.forAnalyst(analyst.collaborationId(), analyst.member());
      PrivateQuery query = accept(analyst, visible, sql, "QUERY");
      Map<String, Integer> dataVersions = new TreeMap<>();
      Map<String, Integer> policyVersions = new TreeMap<>();
      Map<Dataset, DatasetPolicy> policies = new LinkedHashMap<>();
      for (TableName table : query.tablesRead()) {
        VisibleTable visibleTable = visible.tables().get(table);
        Dataset dataset = visibleTable.dataset();
        if (dataset.currentVersion() == null) {
          throw new ServerException(
              ServerErrorCode.CONFLICT, "table '" + table + "' has no data yet");
        }
        dataVersions.put(table.toString(), dataset.currentVersion());
        policyVersions.put(table.toString(), dataset.currentPolicyVersion());
        policies.put(dataset, visibleTable.policy());
      }
      ReadVersions read = new ReadVersions(dataVersions, policyVersions);
      String cacheKey = CachedAnswers.key(query.canonicalDigest(), dataVersions, policyVersions);
      String queryId = "q-" + UUID.randomUUID();
      QueryCharge charge =
          budgets.chargeOf(analyst, policies, query.releaseSpec().parameters().epsilon());

      Optional<Answer> cached = cache.find(analyst.collaborationId(), analyst.memberId(), cacheKey);
      if (cached.isPresent()) {
        record(analyst, QueryAuditEvent.answeredFromCache(analyst.member(), queryId, read));
        return cached.get().asCached(queryId, budgets.remaining(charge));
      }

      Settlement settlement;
      try {
        settlement = budgets.reserve(charge);
      } catch (PolicyException e) {
        record(
            analyst,
            QueryAuditEvent.overBudget(analyst.member(), queryId, read.tables(), e.code()));
        throw e;
      }

      // From here every path settles the reservation once and writes one audit event.
      try {
        List<Object[]> exactRows;
        try {
          exactRows = execute(query, visible, queryId);
        } catch (ConnectorException e) {
          // Reading the stored version failed before any row was computed: nothing depends on
          // the data, so the epsilon is given back.
          settlement.refund();
          throw e;
        }
        ReleasedResult released = Releaser.release(query.releaseSpec(), exactRows, noise);
        settlement.commit();
        Answer answer =
            Answers.of(
                queryId, query, released, budgets.remaining(charge), policyVersions, dataVersions);
        cache.store(analyst.collaborationId(), analyst.memberId(), cacheKey, answer);
        record(
            analyst,
            QueryAuditEvent.answered(
                analyst.member(),
                queryId,
                read,
                answer.rows().size(),
                released.suppressedGroups(),
                released.epsilonSpent()));
        return answer;
      } catch (RuntimeException | Error failure) {
        // Every failure but the refunded one above (the engine's, a time limit, the release's,
        // building or storing the answer, auditing it) may depend on the data: the epsilon stays
        // spent. After the refund, or after the commit of an answer, this commits nothing more.
        try {
          settlement.commit();
        } catch (RuntimeException settling) {
          failure.addSuppressed(settling);
        }
        try {
          record(
              analyst, QueryAuditEvent.failed(analyst.member(), queryId, read, charge.epsilon()));
        } catch (RuntimeException auditing) {
          failure.addSuppressed(auditing);
        }
        throw failure;
      }
    }
  }

  /** Steps 1 to 4 only: the violations, or the private plan and its cost. Nothing runs. */
  public Explanation explain(Caller analyst, String sql) {
    Visible visible = catalog.forAnalyst(analyst.collaborationId(), analyst.member());
    AnalysisResult result = analyze(analyst, visible, sql, "EXPLAIN");
    if (result instanceof AnalysisResult.Rejected rejected) {
      record(analyst, QueryAuditEvent.explainedRejected(analyst.member(), rejected.violations()));
      return Explanation.rejected(PolicyProblems.violations(rejected.violations()));
    }
    PrivateQuery query = ((AnalysisResult.Accepted) result).query();
    List<String> tables = query.tablesRead().stream().map(TableName::toString).toList();
    record(analyst, QueryAuditEvent.explainedAccepted(analyst.member(), tables));
    return Explanation.accepted(query, tables);
  }

  private PrivateQuery accept(Caller analyst, Visible visible, String sql, String kind) {
    AnalysisResult result = analyze(analyst, visible, sql, kind);
    if (result instanceof AnalysisResult.Rejected rejected) {
      record(analyst, QueryAuditEvent.rejected(analyst.member(), rejected.violations()));
      throw PolicyProblems.rejection(rejected.violations());
    }
    return ((AnalysisResult.Accepted) result).query();
  }

  private AnalysisResult analyze(Caller analyst, Visible visible, String sql, String kind) {
    try {
      return analyzer.analyze(sql, visible.context());
    } catch (PolicyException e) {
      record(
          analyst,
          kind.equals("EXPLAIN")
              ? QueryAuditEvent.explainRefused(analyst.member(), e.code())
              : QueryAuditEvent.queryRefused(analyst.member(), e.code()));
      throw e;
    }
  }

  /**
   * Leases the read versions and runs the plan on a query thread, bounded in time; the thread owns
   * the leases and releases them when it ends, even after a timeout gave up waiting for it.
   */
  private List<Object[]> execute(PrivateQuery query, Visible visible, String queryId) {
    ExecutionLimits limits = new ExecutionLimits(memoryBytes.draw(noise), parallelism);
    long timeout = timeoutMillis.draw(noise);
    Future<List<Object[]>> run =
        queryThreads.submit(
            () -> {
              List<LoadedVersions.Lease> leases = new ArrayList<>();
              try {
                Map<TableName, LoadedTableData> data = new LinkedHashMap<>();
                for (TableName table : query.tablesRead()) {
                  VisibleTable visibleTable = visible.tables().get(table);
                  Dataset dataset = visibleTable.dataset();
                  LoadedVersions.Lease lease =
                      versions.acquire(
                          dataset.storageId(),
                          dataset.currentVersion(),
                          usableColumns(visibleTable.policy()));
                  leases.add(lease);
                  data.put(table, lease.table());
                }
                return engines.execute(query.plan(), data, limits, queryId);
              } finally {
                leases.forEach(LoadedVersions.Lease::close);
              }
            });
    try {
      return run.get(timeout, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      run.cancel(true);
      LOG.warnf("event=query_timeout queryId=%s timeoutMillis=%d", queryId, timeout);
      throw new ServerException(
          ServerErrorCode.QUERY_FAILED, "the query did not finish within its time limit");
    } catch (InterruptedException e) {
      run.cancel(true);
      Thread.currentThread().interrupt();
      throw new ServerException(ServerErrorCode.QUERY_FAILED, "the query was cancelled");
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ExecutionException execution) {
        throw execution;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new PolicyException(
          PolicyErrorCode.EXECUTION_FAILED, "the query could not be executed", cause);
    }
  }

  /**
   * The columns an analyst may use in some way, whose string encodings are worth computing when a
   * version is loaded; personal data is never read by a query.
   */
  private static Set<String> usableColumns(DatasetPolicy policy) {
    return policy.columns().stream()
        .filter(column -> column.columnClass() != ColumnClass.PII)
        .map(ColumnPolicy::name)
        .collect(Collectors.toSet());
  }

  private void record(Caller analyst, QueryAuditEvent event) {
    audit.append(analyst.collaborationId(), event.toEntry());
  }
}
