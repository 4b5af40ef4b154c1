package dev.cleanroom.engine.vectorized;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * Keeps the rows whose condition is TRUE (not FALSE, not NULL), always by selecting them: how many
 * pass changes how many are copied, never whether a copy is made.
 */
final class FilterOperator {
  private FilterOperator() {}

  static Relation filter(
      RexNode condition,
      Relation input,
      RelDataType inputType,
      QueryContext context,
      ExpressionEvaluator evaluator) {
    // NOT x keeps the rows where x is FALSE: read off x itself rather than a negated copy.
    boolean negated = condition.isA(SqlKind.NOT);
    RexNode tested = negated ? ((RexCall) condition).getOperands().get(0) : condition;
    int rowCount = input.rowCount();
    if (tested instanceof RexInputRef ref && input.selector(ref.getIndex()) != null) {
      // A stored BOOLEAN column: its rows are selected off the stored bits, never decoded.
      int[] selected = context.memory().ints(rowCount);
      int count = input.selector(ref.getIndex()).select(!negated, selected, context);
      return select(input, selected, count, context);
    }
    Column result = evaluator.evaluate(tested, input, inputType);
    if (result instanceof ConstantColumn constant) {
      boolean keepAll = constant.value() != null && (constant.longAt(0) != 0) != negated;
      return keepAll ? input : select(input, new int[0], 0, context);
    }
    int[] selected = context.memory().ints(rowCount);
    int count;
    if (result instanceof LongColumn longs) {
      // The usual case, read off the arrays: the selection loop is most of a filter's time. Each
      // thread selects from its own range into the same range of the selection; the ranges are
      // then moved together, in row order.
      long[] values = longs.values();
      boolean[] nulls = longs.nulls();
      long kept = negated ? 0 : 1;
      int[] counts = new int[context.parallelism()];
      int[] starts = new int[context.parallelism()];
      context.parallelRanges(
          rowCount,
          (part, from, to) -> {
            int found = from;
            for (int i = from; i < to; i++) {
              if ((values[i] != 0 ? 1 : 0) == kept && (nulls == null || !nulls[i])) {
                selected[found++] = i;
              }
            }
            starts[part] = from;
            counts[part] = found - from;
          });
      count = joinParts(selected, starts, counts);
    } else {
      count = 0;
      for (int i = 0; i < rowCount; i++) {
        if (!result.isNull(i) && (result.longAt(i) != 0) != negated) {
          selected[count++] = i;
        }
      }
    }
    // Selected even when every row passes: a filter that drops one person's rows and a filter that
    // drops none cost the same copy, so whether that person's rows were there to drop (say, the
    // one row of a WHERE on another party's column that everybody else's rows satisfy) does not
    // show in the time.
    return select(input, selected, count, context);
  }

  /**
   * Moves selections made part by part, part {@code p}'s {@code counts[p]} rows written from {@code
   * starts[p]} on (ascending starts, each part's rows before the next part's start), together at
   * the front of {@code selected}, in order; returns how many there are.
   */
  static int joinParts(int[] selected, int[] starts, int[] counts) {
    int count = 0;
    for (int part = 0; part < counts.length; part++) {
      if (counts[part] > 0 && starts[part] != count) {
        System.arraycopy(selected, starts[part], selected, count, counts[part]);
      }
      count += counts[part];
    }
    return count;
  }

  static Relation select(Relation input, int[] rows, int count, QueryContext context) {
    return Picking.select(input, rows, count, context);
  }
}
