package dev.cleanroom.server.query;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.ParquetTableData;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.server.scaleout.ScaleOutEngine;
import dev.cleanroom.spi.TableName;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.rel.RelNode;

/**
 * A scale-out engine whose cluster never answers: {@link Engine#checkAvailable()} fails as a Spark
 * engine's does when its Spark Connect server is down. Used only where a test profile enables it
 * ({@link EngineChoiceApiTest}).
 */
@Alternative
public class UnreachableSpark {
  /** How many plans it was asked to run: none may reach it. */
  static final AtomicInteger EXECUTIONS = new AtomicInteger();

  @Produces
  @Singleton
  ScaleOutEngine unreachable() {
    return new ScaleOutEngine(
        Optional.of(
            new Engine() {
              @Override
              public String name() {
                return "spark";
              }

              @Override
              public Class<? extends TableData> reads() {
                return ParquetTableData.class;
              }

              @Override
              public void checkAvailable() {
                throw new ExecutionException(
                    ExecutionErrorCode.ENGINE_UNAVAILABLE,
                    "the Spark Connect server at sc://127.0.0.1:9 does not answer");
              }

              @Override
              public List<Object[]> execute(
                  RelNode plan,
                  Map<TableName, ? extends TableData> tables,
                  ExecutionLimits limits) {
                EXECUTIONS.incrementAndGet();
                throw new ExecutionException(
                    ExecutionErrorCode.ENGINE_UNAVAILABLE, "the Spark Connect server is down");
              }
            }));
  }
}
