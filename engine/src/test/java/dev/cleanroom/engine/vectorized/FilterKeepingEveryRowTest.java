package dev.cleanroom.engine.vectorized;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.QueryMemory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A filter copies the rows it keeps also when it keeps every row: whether one row was there to drop
 * must not decide whether the input is copied (docs/PRIVACY.md, side channels).
 */
class FilterKeepingEveryRowTest {
  @RegisterExtension final TestQueryContext query = new TestQueryContext(64L << 20);
  private final RelDataTypeFactory types = new JavaTypeFactoryImpl();
  private final RexBuilder rex = new RexBuilder(types);
  private QueryContext context;
  private ExpressionEvaluator evaluator;

  @BeforeEach
  void open() {
    context = query.context();
    evaluator = new ExpressionEvaluator(context, rex, Map.of(), new CompiledExpressions(16));
  }

  private RelDataType rowType() {
    return types
        .builder()
        .add(
            "flag", types.createTypeWithNullability(types.createSqlType(SqlTypeName.BOOLEAN), true))
        .add("x", types.createSqlType(SqlTypeName.BIGINT))
        .build();
  }

  /** Rows 0..n-1: flag TRUE on every row but {@code droppedRow} (none when -1), x = the row. */
  private static Relation rows(int n, int droppedRow, Relation.RowSelector selector) {
    long[] flags = new long[n];
    Arrays.fill(flags, 1L);
    if (droppedRow >= 0) {
      flags[droppedRow] = 0;
    }
    long[] x = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    List<Supplier<Column>> columns =
        List.of(() -> new LongColumn(flags, null), () -> new LongColumn(x, null));
    return new Relation(n, columns, Arrays.asList(selector, null));
  }

  @Test
  void conditionEvaluatedOnEveryRow_keepingAll_isCopiedLikeOneThatDropsARow() {
    RexNode condition = rex.makeInputRef(rowType().getFieldList().get(0).getType(), 0);
    RexNode notNot =
        rex.makeCall(SqlStdOperatorTable.NOT, rex.makeCall(SqlStdOperatorTable.NOT, condition));
    for (int dropped : new int[] {-1, 7}) {
      Relation input = rows(20_000, dropped, null);
      Relation kept = FilterOperator.filter(notNot, input, rowType(), context, evaluator);

      assertNotSame(input, kept);
      assertEquals(dropped < 0 ? 20_000 : 19_999, kept.rowCount());
      assertEquals(dropped < 0 ? 7L : 8L, kept.column(1).longAt(7));
    }
  }

  @Test
  void storedBooleanSelectedOffItsBits_keepingAll_isCopiedToo() {
    int n = 100;
    Relation.RowSelector everyRow =
        (wanted, selected, ctx) -> {
          for (int i = 0; i < n; i++) {
            selected[i] = i;
          }
          return wanted ? n : 0;
        };
    Relation input = rows(n, -1, everyRow);
    Relation kept =
        FilterOperator.filter(
            rex.makeInputRef(rowType().getFieldList().get(0).getType(), 0),
            input,
            rowType(),
            context,
            null);

    assertNotSame(input, kept);
    long[] x = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = kept.column(1).longAt(i);
    }
    assertEquals(n, kept.rowCount());
    assertArrayEquals(((LongColumn) input.column(1)).values(), x);
  }

  /**
   * The two worlds as the work they cost: the bytes a filter and the read of its output charge to
   * the query differ by the one dropped row only (before, the world where nothing was dropped
   * copied nothing).
   */
  @Test
  void worldsWithAndWithoutTheDroppedRow_chargeTheSameWorkButThatRow() {
    RexNode condition = rex.makeInputRef(rowType().getFieldList().get(0).getType(), 0);
    long[] charged = new long[2];
    for (int world = 0; world < 2; world++) {
      try (QueryMemory account = query.newAccount()) {
        QueryContext measured = query.withOwnAccount(account);
        ExpressionEvaluator evaluating =
            new ExpressionEvaluator(measured, rex, Map.of(), new CompiledExpressions(16));
        Relation kept =
            FilterOperator.filter(
                condition,
                rows(50_000, world == 0 ? -1 : 123, null),
                rowType(),
                measured,
                evaluating);
        kept.column(1);
        charged[world] = account.chargedBytes();
      }
    }
    assertTrue(
        Math.abs(charged[1] - charged[0]) <= 64,
        "bytes charged: none dropped " + charged[0] + ", one dropped " + charged[1]);
  }
}
