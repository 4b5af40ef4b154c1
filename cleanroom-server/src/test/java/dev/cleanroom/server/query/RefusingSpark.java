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
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.calcite.rel.RelNode;

/**
 * A scale-out engine that is reachable, records the tables it is given, and refuses every plan's
 * shape (as Spark refuses, before it runs anything), so the server runs the query in its process.
 * Used only where a test profile enables it ({@link SparkPathApiTest}).
 */
@Alternative
public class RefusingSpark {
  /** The tables of every plan it was given, in order. */
  static final List<Map<TableName, ? extends TableData>> GIVEN = new CopyOnWriteArrayList<>();

  @Produces
  @Singleton
  ScaleOutEngine refusing() {
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
              public List<Object[]> execute(
                  RelNode plan,
                  Map<TableName, ? extends TableData> tables,
                  ExecutionLimits limits) {
                GIVEN.add(Map.copyOf(tables));
                throw new ExecutionException(
                    ExecutionErrorCode.UNSUPPORTED_PLAN, "the test's Spark translates no plan");
              }
            }));
  }
}
