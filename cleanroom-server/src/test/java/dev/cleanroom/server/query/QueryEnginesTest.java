package dev.cleanroom.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.ParquetTableData;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.server.scaleout.EngineMode;
import dev.cleanroom.server.scaleout.ScaleOutEngine;
import dev.cleanroom.spi.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.rel.RelNode;
import org.junit.jupiter.api.Test;

/**
 * The engine choice (settings and stored marks only) and the scale-out engine's fallback to the
 * process for a plan shape it refuses.
 */
class QueryEnginesTest {
  private static final ExecutionLimits LIMITS = new ExecutionLimits(1 << 20, 1);

  /** An engine that answers one fixed row, or fails with a fixed code, and counts its runs. */
  private static final class FixedEngine implements Engine {
    private final String name;
    private final Class<? extends TableData> reads;
    private final ExecutionErrorCode failure;
    final AtomicInteger runs = new AtomicInteger();
    final List<Map<TableName, ? extends TableData>> givenTables = new ArrayList<>();

    FixedEngine(String name, Class<? extends TableData> reads, ExecutionErrorCode failure) {
      this.name = name;
      this.reads = reads;
      this.failure = failure;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Class<? extends TableData> reads() {
      return reads;
    }

    @Override
    public List<Object[]> execute(
        RelNode plan, Map<TableName, ? extends TableData> tables, ExecutionLimits limits) {
      runs.incrementAndGet();
      givenTables.add(tables);
      if (failure != null) {
        throw new ExecutionException(failure, "refused by " + name);
      }
      return List.<Object[]>of(new Object[] {name});
    }
  }

  private final FixedEngine vectorized = new FixedEngine("vectorized", TableData.class, null);
  private final FixedEngine spark = new FixedEngine("spark", ParquetTableData.class, null);
  private final QueryEngines engines =
      new QueryEngines(vectorized, Optional.empty(), Optional.of(spark));

  @Test
  void vectorizedSetting_runsInTheProcess_evenOverMarkedVersions() {
    assertSame(vectorized, engines.choose(EngineMode.VECTORIZED, true));
    assertSame(vectorized, engines.choose(EngineMode.VECTORIZED, false));
  }

  @Test
  void sparkSetting_runsOnSpark_whateverTheMarks() {
    assertSame(spark, engines.choose(EngineMode.SPARK, false));
    assertSame(spark, engines.choose(EngineMode.SPARK, true));
  }

  @Test
  void autoSetting_runsOnSparkOnlyWhenAVersionReadIsMarked() {
    assertSame(spark, engines.choose(EngineMode.AUTO, true));
    assertSame(vectorized, engines.choose(EngineMode.AUTO, false));
    assertEquals("spark", engines.nameOf(EngineMode.AUTO, true));
    assertEquals("vectorized", engines.nameOf(EngineMode.AUTO, false));
  }

  @Test
  void sparkChosen_withoutASparkEngine_isEngineUnavailable() {
    QueryEngines inProcessOnly = new QueryEngines(vectorized, Optional.empty());
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> inProcessOnly.choose(EngineMode.SPARK, false));
    assertEquals(ExecutionErrorCode.ENGINE_UNAVAILABLE, e.code());
    assertSame(vectorized, inProcessOnly.choose(EngineMode.AUTO, false));
  }

  @Test
  void scaleOutEngine_mustReadParquet() {
    assertThrows(IllegalArgumentException.class, () -> new ScaleOutEngine(Optional.of(vectorized)));
  }

  @Test
  void sparkRun_usesTheLocatedTables_andLoadsNothing() {
    AtomicInteger loads = new AtomicInteger();
    List<String> running = new ArrayList<>();
    LeasedTables located = LeasedTables.located(Map.of());

    List<Object[]> rows =
        engines.execute(
            spark,
            null,
            located,
            () -> {
              loads.incrementAndGet();
              return LeasedTables.located(Map.of());
            },
            LIMITS,
            "q-1",
            running::add);

    assertEquals("spark", rows.get(0)[0]);
    assertEquals(List.of("spark"), running);
    assertEquals(0, loads.get());
    assertEquals(0, vectorized.runs.get());
  }

  @Test
  void planShapeSparkRefuses_runsInTheProcess_overVersionsLoadedThen() {
    for (ExecutionErrorCode shape :
        List.of(ExecutionErrorCode.UNSUPPORTED_PLAN, ExecutionErrorCode.UNSUPPORTED_EXPRESSION)) {
      FixedEngine refusing = new FixedEngine("spark", ParquetTableData.class, shape);
      FixedEngine inProcess = new FixedEngine("vectorized", TableData.class, null);
      QueryEngines withRefusingSpark =
          new QueryEngines(inProcess, Optional.empty(), Optional.of(refusing));
      AtomicInteger loads = new AtomicInteger();
      List<String> running = new ArrayList<>();

      List<Object[]> rows =
          withRefusingSpark.execute(
              refusing,
              null,
              LeasedTables.located(Map.of()),
              () -> {
                loads.incrementAndGet();
                return LeasedTables.located(Map.of());
              },
              LIMITS,
              "q-1",
              running::add);

      assertEquals("vectorized", rows.get(0)[0]);
      assertEquals(List.of("spark", "vectorized"), running);
      assertEquals(1, loads.get());
    }
  }

  @Test
  void otherSparkFailure_isNotRetriedInTheProcess() {
    FixedEngine failing =
        new FixedEngine("spark", ParquetTableData.class, ExecutionErrorCode.INTERNAL_ERROR);
    QueryEngines withFailingSpark =
        new QueryEngines(vectorized, Optional.empty(), Optional.of(failing));
    AtomicInteger loads = new AtomicInteger();

    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                withFailingSpark.execute(
                    failing,
                    null,
                    LeasedTables.located(Map.of()),
                    () -> {
                      loads.incrementAndGet();
                      return LeasedTables.located(Map.of());
                    },
                    LIMITS,
                    "q-1",
                    name -> {}));

    assertEquals(ExecutionErrorCode.INTERNAL_ERROR, e.code());
    assertEquals(0, loads.get());
    assertEquals(0, vectorized.runs.get());
  }
}
