package dev.cleanroom.testkit;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import java.util.List;
import java.util.Map;

/**
 * The private pipeline as the server runs it, for tests and benchmarks: the analyst's SQL analysed
 * against a catalog (the checks and the private rewrite), its private plan run on an engine over
 * the tables bound to it by name, and the exact rows read plainly or released with noise. Analysis
 * reads no data, so one analysis serves any tables of the catalog's columns and any engine.
 */
public final class Pipeline {
  private static final QueryAnalyzer ANALYZER = new QueryAnalyzer();

  private final AnalysisContext context;
  private final ExecutionLimits limits;

  /** A pipeline whose queries run within {@link ExecutionLimits#defaults()}. */
  public Pipeline(AnalysisContext context) {
    this(context, ExecutionLimits.defaults());
  }

  public Pipeline(AnalysisContext context, ExecutionLimits limits) {
    this.context = requireNonNull(context, "context is null");
    this.limits = requireNonNull(limits, "limits is null");
  }

  /** The same catalog, policies, key, purpose and limits, for another analyst. */
  public Pipeline forAnalyst(String analyst) {
    return new Pipeline(
        new AnalysisContext(
            context.rootSchema(),
            context.policies(),
            analyst,
            context.contributionKey(),
            context.purpose()),
        limits);
  }

  /**
   * The violations of {@code sql}, or its private query.
   *
   * @throws dev.cleanroom.querypolicy.PolicyException as {@link QueryAnalyzer#analyze} does
   */
  public AnalysisResult analyze(String sql) {
    return ANALYZER.analyze(sql, context);
  }

  /**
   * The private query of {@code sql}.
   *
   * @throws AssertionError listing the violations when the query is rejected
   */
  public PrivateQuery accepted(String sql) {
    AnalysisResult result = analyze(sql);
    if (result instanceof AnalysisResult.Rejected rejected) {
      throw new AssertionError("the query is rejected: " + rejected.violations());
    }
    return ((AnalysisResult.Accepted) result).query();
  }

  /** The exact rows of {@code query}'s private plan, run on {@code engine} over {@code tables}. */
  public List<Object[]> exactRows(
      PrivateQuery query, Engine engine, Map<TableName, ? extends TableData> tables) {
    requireNonNull(query, "query is null");
    requireNonNull(engine, "engine is null");
    return engine.execute(query.plan(), tables, limits);
  }

  /** The exact rows with every fixed-point sum as the double it stands for, to read and compare. */
  public List<Object[]> plainRows(
      PrivateQuery query, Engine engine, Map<TableName, ? extends TableData> tables) {
    return query.releaseSpec().plainRows(exactRows(query, engine, tables));
  }

  /** The released result: the exact rows through the query's own release, with {@code noise}. */
  public ReleasedResult release(
      PrivateQuery query,
      Engine engine,
      Map<TableName, ? extends TableData> tables,
      NoiseSource noise) {
    requireNonNull(noise, "noise is null");
    return Releaser.release(query.releaseSpec(), exactRows(query, engine, tables), noise);
  }
}
