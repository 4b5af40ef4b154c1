package dev.cleanroom.engine.vectorized;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;

/** Keeps the rows whose condition is TRUE (not FALSE, not NULL). */
final class FilterOperator {
  private FilterOperator() {}

  static Relation filter(
      RexNode condition,
      Relation input,
      RelDataType inputType,
      QueryContext context,
      ExpressionEvaluator evaluator) {
    Column result = evaluator.evaluate(condition, input, inputType);
    int rowCount = input.rowCount();
    if (result instanceof ConstantColumn constant) {
      boolean keepAll = constant.value() != null && constant.longAt(0) != 0;
      return keepAll ? input : select(input, new int[0], 0, context);
    }
    int[] selected = context.memory().ints(rowCount);
    int count = 0;
    if (result instanceof LongColumn longs) {
      // The usual case, read off the arrays: the selection loop is most of a filter's time.
      long[] values = longs.values();
      boolean[] nulls = longs.nulls();
      for (int i = 0; i < rowCount; i++) {
        if (values[i] != 0 && (nulls == null || !nulls[i])) {
          selected[count++] = i;
        }
      }
    } else {
      for (int i = 0; i < rowCount; i++) {
        if (!result.isNull(i) && result.longAt(i) != 0) {
          selected[count++] = i;
        }
      }
    }
    if (count == rowCount) {
      return input;
    }
    return select(input, selected, count, context);
  }

  static Relation select(Relation input, int[] rows, int count, QueryContext context) {
    List<Supplier<Column>> columns = new ArrayList<>();
    for (int field = 0; field < input.columnCount(); field++) {
      int index = field;
      columns.add(() -> Gather.rows(input.column(index), rows, count, context));
    }
    return new Relation(count, columns);
  }
}
