package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.spi.TableName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.calcite.rel.RelNode;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The server's engines: the vectorized executor runs every plan it implements; a plan whose shape
 * it refuses (decided by the plan alone, never by the data) runs on Calcite's reference engine when
 * {@code cleanroom.query.reference-fallback} is on. Both get the same bound tables and the same
 * limits.
 */
@ApplicationScoped
public class QueryEngines {
  private static final Logger LOG = Logger.getLogger(QueryEngines.class);

  private final Engine primary;
  private final Optional<Engine> fallback;

  @Inject
  QueryEngines(
      VectorizedExecutor primary,
      ReferenceEngine reference,
      @ConfigProperty(name = "cleanroom.query.reference-fallback") boolean referenceFallback) {
    this(primary, referenceFallback ? Optional.of(reference) : Optional.empty());
  }

  QueryEngines(Engine primary, Optional<Engine> fallback) {
    this.primary = requireNonNull(primary, "primary is null");
    this.fallback = requireNonNull(fallback, "fallback is null");
  }

  /** Lets the engines prepare a version that was just loaded. */
  void prepare(ArrowTableData table, Set<String> columns) {
    primary.prepare(table, columns);
  }

  /**
   * The plan's exact rows, from the first engine that implements its shape; {@code running} is told
   * the name of each engine before it runs the plan.
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
