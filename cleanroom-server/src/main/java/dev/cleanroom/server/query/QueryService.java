package dev.cleanroom.server.query;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.budget.BudgetAccounts;
import dev.cleanroom.server.budget.QueryCharge;
import dev.cleanroom.server.budget.Settlement;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.policy.QueryCatalog;
import dev.cleanroom.server.policy.QueryCatalog.Visible;
import dev.cleanroom.server.problem.PolicyProblems;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.scaleout.EngineMode;
import dev.cleanroom.server.scaleout.ParquetVersions;
import dev.cleanroom.spi.TableName;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The flow of a query (DESIGN.md) as named steps: admit it, analyse it against the analyst's
 * catalog, answer it from the cache when the same plan ran over the same versions, account for it
 * (reserve its budget), load the versions it reads and execute its private plan on a query thread
 * within its limits, release the result with noise, answer. Whatever step ends a query writes its
 * one audit event; after the reservation, every path also settles the reservation once.
 */
@ApplicationScoped
public class QueryService {
  private static final Logger LOG = Logger.getLogger(QueryService.class);

  private final QueryAdmission admission;
  private final QueryCatalog catalog;
  private final QueryAnalyzer analyzer;
  private final CachedAnswers cache;
  private final BudgetAccounts budgets;
  private final QueryRunner runner;
  private final LoadedVersions versions;
  private final QueryEngines engines;
  private final NoiseSource noise;
  private final AuditLog audit;
  private final QueryMetrics metrics;
  private final Collaborations collaborations;
  private final ParquetVersions parquet;
  private final Clock clock;

  @Inject
  public QueryService(
      QueryAdmission admission,
      QueryCatalog catalog,
      QueryAnalyzer analyzer,
      CachedAnswers cache,
      BudgetAccounts budgets,
      QueryRunner runner,
      LoadedVersions versions,
      QueryEngines engines,
      NoiseSource noise,
      AuditLog audit,
      QueryMetrics metrics,
      Collaborations collaborations,
      ParquetVersions parquet,
      Clock clock) {
    this.admission = admission;
    this.catalog = catalog;
    this.analyzer = analyzer;
    this.cache = cache;
    this.budgets = budgets;
    this.runner = runner;
    this.versions = versions;
    this.engines = engines;
    this.noise = noise;
    this.audit = audit;
    this.metrics = metrics;
    this.collaborations = collaborations;
    this.parquet = parquet;
    this.clock = clock;
  }

  /** Answers an analyst's query without options, or refuses it; either way one audit event. */
  public Answer ask(Caller analyst, String sql) {
    return ask(analyst, sql, QueryOptions.DEFAULT);
  }

  /**
   * A query that comes from an approved template: its reference ({@code name@version}), the epsilon
   * per run its privacy officers approved (null: the policies' epsilon per query) and its own
   * budget line (null: none).
   */
  public record TemplateSource(String reference, BigDecimal epsilon, TemplateBudget budget) {
    public TemplateSource {
      java.util.Objects.requireNonNull(reference, "reference is null");
    }
  }

  /** A template's own budget line: what all runs of template {@code name} may spend together. */
  public record TemplateBudget(String name, BigDecimal total) {
    public TemplateBudget {
      java.util.Objects.requireNonNull(name, "name is null");
      java.util.Objects.requireNonNull(total, "total is null");
    }
  }

  /** Answers an analyst's query asked with options, or refuses it; either way one audit event. */
  public Answer ask(Caller analyst, String sql, QueryOptions options) {
    return ask(analyst, sql, options, null);
  }

  /**
   * Answers a query that is free SQL ({@code source} null) or a run of an approved template, or
   * refuses it; either way one audit event.
   */
  public Answer ask(Caller analyst, String sql, QueryOptions options, TemplateSource source) {
    Timer.Sample sample = metrics.started();
    QueryMetrics.Outcome outcome = QueryMetrics.Outcome.REFUSED;
    AtomicReference<String> engine = new AtomicReference<>(QueryMetrics.NO_ENGINE);
    try (QueryAdmission.Slot slot = admission.admit(analyst.memberId())) {
      AcceptedQuery accepted = analyse(analyst, sql, options, source);
      Optional<Answer> cached = answerFromCache(accepted);
      if (cached.isPresent()) {
        outcome = QueryMetrics.Outcome.CACHED;
        return cached.get();
      }
      Engine chosen = chooseEngine(accepted);
      Settlement settlement = account(accepted);
      outcome = QueryMetrics.Outcome.FAILED;
      Answer answer = runToAnswer(accepted, chosen, settlement, slot, engine);
      outcome = QueryMetrics.Outcome.ANSWERED;
      return answer;
    } finally {
      metrics.ended(sample, outcome, engine.get());
    }
  }

  /**
   * The columns {@code sql} would answer with, for clients that ask before they run (Flight SQL's
   * prepared statements and schema calls). Analysis only: nothing runs, no budget moves, and an
   * accepted query records nothing until it is asked; a rejection or refusal is audited and thrown
   * as {@link #ask} would.
   */
  public List<Answer.AnswerColumn> describe(Caller analyst, String sql) {
    return describe(analyst, sql, QueryOptions.DEFAULT);
  }

  /** The columns of a query asked with options (its purpose among them), as {@link #describe}. */
  public List<Answer.AnswerColumn> describe(Caller analyst, String sql, QueryOptions options) {
    return Answers.columnsOf(analyse(analyst, sql, options, null).query());
  }

  /** Steps 1 to 4 only: the violations, or the private plan and its cost. Nothing runs. */
  public Explanation explain(Caller analyst, String sql) {
    return explain(analyst, sql, QueryOptions.DEFAULT);
  }

  /** Steps 1 to 4 only for a query asked with options. */
  public Explanation explain(Caller analyst, String sql, QueryOptions options) {
    return explain(analyst, sql, options, null);
  }

  /** Steps 1 to 4 only, for free SQL ({@code source} null) or a template's SQL. */
  public Explanation explain(
      Caller analyst, String sql, QueryOptions options, TemplateSource source) {
    requireInTerm(analyst, true);
    Visible visible = catalog.forAnalyst(analyst.collaborationId(), analyst.member());
    AnalysisResult result =
        analyze(
            analyst,
            visible,
            sql,
            options,
            source,
            code -> QueryAuditEvent.explainRefused(analyst.member(), code));
    if (result instanceof AnalysisResult.Rejected rejected) {
      record(analyst, QueryAuditEvent.explainedRejected(analyst.member(), rejected.violations()));
      return Explanation.rejected(PolicyProblems.violations(rejected.violations()));
    }
    PrivateQuery query = ((AnalysisResult.Accepted) result).query();
    requireTemplateWhereDemanded(analyst, visible, query, source, true);
    List<String> tables = query.tablesRead().stream().map(TableName::toString).toList();
    Explanation.Accuracy accuracy = Explanation.accuracy(query, options.targetHalfWidth());
    boolean readsMarkedVersion =
        query.tablesRead().stream()
            .anyMatch(table -> visible.tables().get(table).dataset().currentVersionScaleOut());
    String engine =
        engines.nameOf(collaborations.engine(analyst.collaborationId()), readsMarkedVersion);
    record(analyst, QueryAuditEvent.explainedAccepted(analyst.member(), tables));
    return Explanation.accepted(query, tables, accuracy, engine);
  }

  /**
   * Analyses the SQL against the analyst's catalog: the accepted query with the versions it reads
   * and what it charges, or a rejection (422) or refusal, audited and thrown.
   */
  private AcceptedQuery analyse(
      Caller analyst, String sql, QueryOptions options, TemplateSource source) {
    requireInTerm(analyst, false);
    Visible visible = catalog.forAnalyst(analyst.collaborationId(), analyst.member());
    AnalysisResult result =
        analyze(
            analyst,
            visible,
            sql,
            options,
            source,
            code -> QueryAuditEvent.queryRefused(analyst.member(), code));
    if (result instanceof AnalysisResult.Rejected rejected) {
      record(analyst, QueryAuditEvent.rejected(analyst.member(), rejected.violations()));
      throw PolicyProblems.rejection(rejected.violations());
    }
    PrivateQuery query = ((AnalysisResult.Accepted) result).query();
    requireTemplateWhereDemanded(analyst, visible, query, source, false);
    TablesRead read = TablesRead.of(query, visible);
    return new AcceptedQuery(
        analyst,
        "q-" + UUID.randomUUID(),
        query,
        read,
        chargeOf(analyst, read, query, source),
        options);
  }

  /**
   * What the query charges: its epsilon on the accounts of every dataset it reads and, for a run of
   * a template with a budget line of its own, on that line too, in the same reservation.
   */
  private QueryCharge chargeOf(
      Caller analyst, TablesRead read, PrivateQuery query, TemplateSource source) {
    QueryCharge charge =
        budgets.chargeOf(analyst, read.policies(), query.releaseSpec().parameters().epsilon());
    if (source == null || source.budget() == null) {
      return charge;
    }
    return budgets.withTemplateLine(
        charge, analyst, source.budget().name(), source.budget().total());
  }

  /** The stored answer of the same plan over the same versions, again at no cost, if any. */
  private Optional<Answer> answerFromCache(AcceptedQuery accepted) {
    Caller analyst = accepted.analyst();
    Optional<Answer> cached =
        cache.find(analyst.collaborationId(), analyst.memberId(), accepted.cacheKey());
    metrics.cacheLookup(cached.isPresent());
    if (cached.isEmpty()) {
      return Optional.empty();
    }
    record(
        analyst,
        QueryAuditEvent.answeredFromCache(
            analyst.member(), accepted.queryId(), accepted.versions(), accepted.options()));
    return Optional.of(
        cached.get().asCached(accepted.queryId(), budgets.remaining(accepted.charge())));
  }

  /**
   * The engine the query runs on (the collaboration's setting, or the server's), checked to be
   * reachable before anything is charged: an unreachable engine is a 503, audited, with no epsilon
   * reserved. Decided from settings and the versions' stored marks only.
   */
  private Engine chooseEngine(AcceptedQuery accepted) {
    Caller analyst = accepted.analyst();
    EngineMode mode = collaborations.engine(analyst.collaborationId());
    try {
      Engine chosen = engines.choose(mode, accepted.read().readsMarkedVersion());
      chosen.checkAvailable();
      return chosen;
    } catch (ExecutionException e) {
      if (e.code() != ExecutionErrorCode.ENGINE_UNAVAILABLE) {
        throw e;
      }
      LOG.warnf(
          "event=engine_unavailable queryId=%s mode=%s reason=%s",
          accepted.queryId(), mode.configName(), e.getMessage());
      record(
          analyst,
          QueryAuditEvent.engineUnavailable(
              analyst.member(), accepted.queryId(), accepted.versions().tables(), "spark"));
      throw new ServerException(
          ServerErrorCode.ENGINE_UNAVAILABLE,
          "the Spark engine that runs this collaboration's queries cannot be reached now;"
              + " nothing was charged, ask again later");
    }
  }

  /** Reserves the query's epsilon on every account it charges; a refusal (429) is audited. */
  private Settlement account(AcceptedQuery accepted) {
    try {
      return budgets.reserve(accepted.charge());
    } catch (PolicyException e) {
      record(
          accepted.analyst(),
          QueryAuditEvent.overBudget(
              accepted.analyst().member(),
              accepted.queryId(),
              accepted.versions().tables(),
              e.code()));
      throw e;
    }
  }

  /**
   * Loads, executes, releases and answers a query whose epsilon is reserved, settling the
   * reservation once. A failure of the load phase is refunded: nothing had been computed from the
   * data. Every other failure may depend on the data, so its epsilon stays spent: the engine's, the
   * time limit (in either phase), the release's, building, storing or auditing the answer.
   */
  private Answer runToAnswer(
      AcceptedQuery accepted,
      Engine chosen,
      Settlement settlement,
      QueryAdmission.Slot slot,
      AtomicReference<String> engine) {
    try {
      List<Object[]> exactRows =
          runner.run(
              accepted.queryId(),
              slot,
              () -> load(accepted, chosen),
              (tables, limits) -> execute(accepted, chosen, tables, limits, engine::set));
      ReleasedResult released = release(accepted, exactRows);
      return answer(accepted, settlement, released, engine.get());
    } catch (LoadPhaseFailure failure) {
      fail(accepted, settlement::refund, BigDecimal.ZERO, failure.failure(), engine.get());
      throw failure.failure();
    } catch (RuntimeException | Error failure) {
      // After the commit of an answer, this commits nothing more.
      fail(accepted, settlement::commit, accepted.charge().epsilon(), failure, engine.get());
      throw failure;
    }
  }

  /**
   * The load phase: for an in-process engine, leases the versions the query reads, loading those
   * not kept already; for the scale-out engine, only locates their Parquet form (nothing is
   * decrypted here), a version without one being a load failure.
   */
  private LeasedTables load(AcceptedQuery accepted, Engine chosen) {
    if (!QueryEngines.readsParquet(chosen)) {
      return versions.leaseAll(accepted.read().versionsToLease());
    }
    try {
      return LeasedTables.located(accepted.read().locate(parquet));
    } catch (ServerException e) {
      throw new LoadPhaseFailure(e);
    }
  }

  /**
   * The execution phase: the private plan's exact rows over the versions the load phase gave. A
   * plan shape the scale-out engine refuses runs in the process, its versions loaded then (a
   * failure of that load is a load failure too: nothing had been computed from the data).
   */
  private List<Object[]> execute(
      AcceptedQuery accepted,
      Engine chosen,
      LeasedTables tables,
      ExecutionLimits limits,
      Consumer<String> engine) {
    return engines.execute(
        chosen,
        accepted.query().plan(),
        tables,
        () -> QueryRunner.loadPhase(() -> versions.leaseAll(accepted.read().versionsToLease())),
        limits,
        accepted.queryId(),
        engine);
  }

  /** Noise on every aggregate; groups below the thresholds withheld. */
  private ReleasedResult release(AcceptedQuery accepted, List<Object[]> exactRows) {
    return Releaser.release(accepted.query().releaseSpec(), exactRows, noise);
  }

  /** Commits the epsilon, then builds, stores and audits the answer. */
  private Answer answer(
      AcceptedQuery accepted, Settlement settlement, ReleasedResult released, String engine) {
    if (settlement.commit()) {
      metrics.committed(accepted.charge());
    }
    Map<BudgetAccount, BigDecimal> remaining = budgets.remainingByAccount(accepted.charge());
    metrics.remaining(remaining);
    Caller analyst = accepted.analyst();
    ReadVersions read = accepted.versions();
    Answer answer =
        Answers.of(
            accepted.queryId(),
            accepted.query(),
            released,
            BudgetAccounts.least(remaining),
            read.policies(),
            read.data(),
            engine,
            accepted.options().purpose());
    cache.store(analyst.collaborationId(), analyst.memberId(), accepted.cacheKey(), answer);
    record(
        analyst,
        QueryAuditEvent.answered(
            analyst.member(),
            accepted.queryId(),
            read,
            answer.rows().size(),
            released.suppressedGroups().isPresent()
                ? Long.valueOf(released.suppressedGroups().getAsLong())
                : null,
            released.epsilonSpent(),
            accepted.options(),
            released.rule().describe(),
            engine));
    return answer;
  }

  /**
   * Settles a failed query ({@code settle} commits or refunds) and audits it; a failure of either
   * is added to {@code failure} rather than hiding it.
   */
  private void fail(
      AcceptedQuery accepted,
      BooleanSupplier settle,
      BigDecimal epsilonSpent,
      Throwable failure,
      String engine) {
    try {
      if (settle.getAsBoolean() && epsilonSpent.signum() > 0) {
        metrics.committed(accepted.charge());
      }
    } catch (RuntimeException settling) {
      failure.addSuppressed(settling);
    }
    try {
      record(
          accepted.analyst(),
          QueryAuditEvent.failed(
              accepted.analyst().member(),
              accepted.queryId(),
              accepted.versions(),
              epsilonSpent,
              QueryMetrics.NO_ENGINE.equals(engine) ? null : engine));
    } catch (RuntimeException auditing) {
      failure.addSuppressed(auditing);
    }
  }

  /** The analysis of {@code sql}; SQL that cannot be analysed is audited as {@code refusal}. */
  private AnalysisResult analyze(
      Caller analyst,
      Visible visible,
      String sql,
      QueryOptions options,
      TemplateSource source,
      Function<PolicyErrorCode, QueryAuditEvent> refusal) {
    try {
      AnalysisResult result =
          analyzer.analyze(
              sql, visible.context().withPurpose(options.purpose()), options.release());
      if (result instanceof AnalysisResult.Accepted accepted) {
        PrivateQuery query = accepted.query().withMechanism(options.mechanismPreference());
        if (source != null && source.epsilon() != null) {
          query = query.withEpsilon(source.epsilon());
        }
        // Data-independent: refuses here, before any budget moves, what the release would refuse.
        Releaser.forSpec(query.releaseSpec());
        return new AnalysisResult.Accepted(query);
      }
      return result;
    } catch (PolicyException e) {
      record(analyst, refusal.apply(e.code()));
      throw e;
    }
  }

  /**
   * Refuses free SQL (403 {@code templates-only}), audited, over a dataset whose policy allows only
   * approved templates; decided from the policies of the tables the plan reads.
   */
  private void requireTemplateWhereDemanded(
      Caller analyst, Visible visible, PrivateQuery query, TemplateSource source, boolean explain) {
    if (source != null) {
      return;
    }
    for (TableName table : query.tablesRead()) {
      if (visible.context().policies().get(table).templatesOnly()) {
        ServerException refusal =
            new ServerException(
                ServerErrorCode.TEMPLATES_ONLY,
                "the policy of "
                    + table
                    + " allows only approved query templates: run one with POST"
                    + " .../templates/{name}/runs");
        record(
            analyst,
            QueryAuditEvent.refusedByGovernance(
                analyst.member(), explain, ServerErrorCode.TEMPLATES_ONLY));
        throw refusal;
      }
    }
  }

  /**
   * Refuses a query or explanation outside the collaboration's term (403), audited, before it is
   * analysed: nothing is charged, and the refusal depends on the clock and the term only.
   */
  private void requireInTerm(Caller analyst, boolean explain) {
    try {
      collaborations.requireInTerm(analyst.collaborationId(), clock.instant());
    } catch (ServerException e) {
      record(analyst, QueryAuditEvent.refusedByGovernance(analyst.member(), explain, e.code()));
      throw e;
    }
  }

  private void record(Caller analyst, QueryAuditEvent event) {
    audit.append(analyst.collaborationId(), event.toEntry());
  }
}
