package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.ParquetTableData;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.server.scaleout.EngineMode;
import dev.cleanroom.server.scaleout.ScaleOutEngine;
import dev.cleanroom.spi.TableName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.calcite.rel.RelNode;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The server's engines: the vectorized executor runs every plan it implements; a plan whose shape
 * it refuses (decided by the plan alone, never by the data) runs on Calcite's reference engine when
 * {@code cleanroom.query.reference-fallback} is on. Both get the same bound tables and the same
 * limits. A query chosen for the scale-out engine (Spark) runs there over the versions' Parquet
 * form; a plan shape that engine refuses runs in the process instead, over the loaded versions.
 */
@ApplicationScoped
public class QueryEngines {
  private static final Logger LOG = Logger.getLogger(QueryEngines.class);

  private final Engine primary;
  private final Optional<Engine> fallback;
  private final Optional<Engine> scaleOut;

  @Inject
  QueryEngines(
      VectorizedExecutor primary,
      ReferenceEngine reference,
      @ConfigProperty(name = "cleanroom.query.reference-fallback") boolean referenceFallback,
      ScaleOutEngine scaleOut) {
    this(primary, referenceFallback ? Optional.of(reference) : Optional.empty(), scaleOut.engine());
  }

  QueryEngines(Engine primary, Optional<Engine> fallback) {
    this(primary, fallback, Optional.empty());
  }

  QueryEngines(Engine primary, Optional<Engine> fallback, Optional<Engine> scaleOut) {
    this.primary = requireNonNull(primary, "primary is null");
    this.fallback = requireNonNull(fallback, "fallback is null");
    this.scaleOut = requireNonNull(scaleOut, "scaleOut is null");
  }

  /**
   * The engine a query runs on: the scale-out engine under {@code spark}, and under {@code auto}
   * when a version it reads was marked when it was stored; else the in-process executor. Decided
   * from settings and stored marks only, never from the data or its exact size.
   *
   * @throws ExecutionException {@link ExecutionErrorCode#ENGINE_UNAVAILABLE} when the scale-out
   *     engine is chosen but the server has none
   */
  Engine choose(EngineMode mode, boolean readsMarkedVersion) {
    boolean outOfProcess =
        switch (requireNonNull(mode, "mode is null")) {
          case VECTORIZED -> false;
          case SPARK -> true;
          case AUTO -> readsMarkedVersion;
        };
    if (!outOfProcess) {
      return primary;
    }
    return scaleOut.orElseThrow(
        () ->
            new ExecutionException(
                ExecutionErrorCode.ENGINE_UNAVAILABLE,
                "the engine setting '"
                    + mode.configName()
                    + "' needs a Spark engine, and this"
                    + " server has none configured"));
  }

  /** The name of the engine a query in {@code mode} would run on first, for explain. */
  String nameOf(EngineMode mode, boolean readsMarkedVersion) {
    try {
      return choose(mode, readsMarkedVersion).name();
    } catch (ExecutionException e) {
      return "spark";
    }
  }

  /** Whether {@code engine} reads the versions' Parquet form rather than loaded Arrow batches. */
  static boolean readsParquet(Engine engine) {
    return ParquetTableData.class.isAssignableFrom(engine.reads());
  }

  /** Lets the engines prepare a version that was just loaded; the columns prepared. */
  Set<String> prepare(ArrowTableData table, Set<String> columns) {
    return primary.prepare(table, columns);
  }

  /** What the primary engine keeps of {@code table}, written to {@code out}; the columns. */
  Set<String> save(ArrowTableData table, OutputStream out) throws IOException {
    return primary.save(table, out);
  }

  /** Gives the primary engine back what {@link #save} wrote for the same version; the columns. */
  Set<String> restore(ArrowTableData table, InputStream in) throws IOException {
    return primary.restore(table, in);
  }

  /**
   * Lets the engines prepare joins of two loaded versions on the given columns; whether there was
   * anything to prepare.
   */
  boolean prepareJoin(
      ArrowTableData table, String column, ArrowTableData other, String otherColumn) {
    return primary.prepareJoin(table, column, other, otherColumn);
  }

  /**
   * The plan's exact rows from {@code chosen} over {@code tables}, given in the form it reads. A
   * shape the scale-out engine refuses (before it runs anything) runs in the process over the
   * versions {@code loadInProcess} leases then. {@code running} is told the name of each engine
   * before it runs the plan.
   */
  List<Object[]> execute(
      Engine chosen,
      RelNode plan,
      LeasedTables tables,
      Supplier<LeasedTables> loadInProcess,
      ExecutionLimits limits,
      String queryId,
      Consumer<String> running) {
    if (chosen == primary) {
      return execute(plan, tables.tables(), limits, queryId, running);
    }
    try {
      running.accept(chosen.name());
      return chosen.execute(plan, tables.tables(), limits);
    } catch (ExecutionException e) {
      if (!shapeUnsupported(e)) {
        throw e;
      }
      LOG.warnf(
          "event=engine_fallback queryId=%s from=%s to=%s code=%s reason=%s",
          queryId, chosen.name(), primary.name(), e.code(), e.getMessage());
    }
    try (LeasedTables loaded = loadInProcess.get()) {
      return execute(plan, loaded.tables(), limits, queryId, running);
    }
  }

  /**
   * The plan's exact rows from the first in-process engine that implements its shape; {@code
   * running} is told the name of each engine before it runs the plan.
   */
  List<Object[]> execute(
      RelNode plan,
      Map<TableName, ? extends TableData> tables,
      ExecutionLimits limits,
      String queryId,
      Consumer<String> running) {
    try {
      running.accept(primary.name());
      return primary.execute(plan, tables, limits);
    } catch (ExecutionException e) {
      if (fallback.isEmpty() || !shapeUnsupported(e)) {
        throw e;
      }
      LOG.warnf(
          "event=engine_fallback queryId=%s from=%s to=%s code=%s reason=%s",
          queryId, primary.name(), fallback.get().name(), e.code(), e.getMessage());
      running.accept(fallback.get().name());
      return fallback.get().execute(plan, tables, limits);
    }
  }

  /** Whether the engine refused the plan's shape, which never depends on the data. */
  private static boolean shapeUnsupported(ExecutionException e) {
    return e.code() == ExecutionErrorCode.UNSUPPORTED_PLAN
        || e.code() == ExecutionErrorCode.UNSUPPORTED_EXPRESSION;
  }
}
