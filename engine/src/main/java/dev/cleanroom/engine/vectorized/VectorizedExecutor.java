package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.engine.BoundTables;
import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.QueryMemory;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.spi.ContributionHash;
import dev.cleanroom.spi.KeyedHashFunction;
import dev.cleanroom.spi.TableName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldCollation;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexWindow;
import org.apache.calcite.rex.RexWindowBound;
import org.apache.calcite.sql.SqlKind;

/**
 * Runs a Calcite logical plan (scan, filter, project, inner or left equi-join, aggregate,
 * ROW_NUMBER window, values) over Arrow tables, a column at a time, and returns the plan's rows
 * exactly as Calcite's enumerable engine would. Anything else in the plan is an {@link
 * ExecutionException}, never a guess. Thread-safe; one instance keeps the per-table encodings
 * across queries.
 */
public final class VectorizedExecutor implements Engine {
  private final TableEncodings encodings = new TableEncodings();
  private final CompiledExpressions compiled = new CompiledExpressions(1024);
  private final BufferAllocator allocator;
  private final Map<String, KeyedHashFunction> keyedHashes;

  /**
   * An executor whose queries each account their memory on a child of {@code allocator} (the
   * process's one root), and which computes the SPI's keyed hash ({@link ContributionHash}) itself
   * rather than through Calcite's per-row code.
   */
  public VectorizedExecutor(BufferAllocator allocator) {
    this(allocator, List.of(ContributionHash.FUNCTION));
  }

  /**
   * An executor whose queries each account their memory on a child of {@code allocator}, limited to
   * {@link ExecutionLimits#maxMemoryBytes()} (a query also fails when {@code allocator} itself has
   * no room left), and which computes {@code keyedHashes} itself, by name (see {@link
   * KeyedHashFunction}); every other scalar function runs through Calcite's code.
   */
  public VectorizedExecutor(BufferAllocator allocator, List<KeyedHashFunction> keyedHashes) {
    this.allocator = requireNonNull(allocator, "allocator is null");
    Map<String, KeyedHashFunction> byName = new HashMap<>();
    for (KeyedHashFunction function : keyedHashes) {
      if (byName.put(function.name(), function) != null) {
        throw new IllegalArgumentException("two keyed hash functions named " + function.name());
      }
    }
    this.keyedHashes = Map.copyOf(byName);
  }

  /**
   * Dictionary-encodes the string columns of {@code table} now (for example when a dataset version
   * is loaded), so that its first query does not pay for it. Queries encode on first use anyway.
   */
  public void prepare(ArrowTableData table) {
    requireNonNull(table, "table is null");
    Set<String> names = new HashSet<>();
    table.schema().getFields().forEach(field -> names.add(field.getName()));
    prepare(table, names);
  }

  /**
   * Like {@link #prepare(ArrowTableData)}, for the string columns among {@code columnNames}; their
   * names.
   */
  @Override
  public Set<String> prepare(ArrowTableData table, Set<String> columnNames) {
    return encodings.encode(requireNonNull(table, "table is null"), Set.copyOf(columnNames));
  }

  @Override
  public Set<String> save(ArrowTableData table, OutputStream out) throws IOException {
    Map<String, DictionaryColumn> columns =
        encodings.encodedColumns(requireNonNull(table, "table is null"));
    if (columns.isEmpty()) {
      return Set.of();
    }
    StoredEncodings.write(columns, requireNonNull(out, "out is null"));
    return columns.keySet();
  }

  @Override
  public Set<String> restore(ArrowTableData table, InputStream in) throws IOException {
    requireNonNull(table, "table is null");
    Map<String, DictionaryColumn> columns =
        StoredEncodings.read(table, requireNonNull(in, "in is null"));
    columns.forEach((name, column) -> encodings.restore(table, name, column));
    return Set.copyOf(columns.keySet());
  }

  /**
   * Encodes both string columns and computes the translations between their dictionaries, both ways
   * (which side a join hashes depends on its inputs' sizes), on as many threads as the machine has,
   * so that the first query joining them finds them as every later one does. Nothing happens unless
   * both columns exist and are strings with dictionaries of their own.
   */
  @Override
  public boolean prepareJoin(
      ArrowTableData table, String column, ArrowTableData other, String otherColumn) {
    requireNonNull(table, "table is null");
    requireNonNull(other, "other is null");
    if (!TableEncodings.isString(table, requireNonNull(column, "column is null"))
        || !TableEncodings.isString(other, requireNonNull(otherColumn, "otherColumn is null"))) {
      return false;
    }
    StringDictionary one = encodings.stringColumn(table, column).dictionary();
    StringDictionary two = encodings.stringColumn(other, otherColumn).dictionary();
    if (one == two) {
      return false;
    }
    int parallelism = Runtime.getRuntime().availableProcessors();
    try (QueryMemory memory = new QueryMemory(allocator, Long.MAX_VALUE);
        Workers workers = new Workers(parallelism - 1)) {
      QueryContext context = new QueryContext(memory, encodings, workers, parallelism);
      encodings.translation(one, two, context);
      encodings.translation(two, one, context);
    }
    return true;
  }

  /** How many translations between two dictionaries this executor has computed. */
  long translationsComputed() {
    return encodings.translationsComputed();
  }

  /** How many scalar expressions this executor has compiled with Calcite's code generator. */
  long compilations() {
    return compiled.compilations();
  }

  @Override
  public String name() {
    return "vectorized";
  }

  @Override
  public List<Object[]> execute(
      RelNode plan, Map<TableName, ? extends TableData> tables, ExecutionLimits limits) {
    requireNonNull(plan, "plan is null");
    requireNonNull(tables, "tables is null");
    requireNonNull(limits, "limits is null");
    try (QueryMemory memory = new QueryMemory(allocator, limits.maxMemoryBytes());
        Workers workers = new Workers(limits.parallelism() - 1)) {
      QueryContext context = new QueryContext(memory, encodings, workers, limits.parallelism());
      Run run =
          new Run(
              tables,
              context,
              new ExpressionEvaluator(
                  context, plan.getCluster().getRexBuilder(), keyedHashes, compiled));
      Relation result = run.execute(plan);
      return rows(result, plan.getRowType());
    } catch (OutOfMemoryError e) {
      throw new ExecutionException(
          ExecutionErrorCode.MEMORY_LIMIT_EXCEEDED, "query ran out of heap memory");
    }
  }

  private static List<Object[]> rows(Relation relation, RelDataType rowType) {
    int width = rowType.getFieldCount();
    Column[] columns = new Column[width];
    RelDataType[] types = new RelDataType[width];
    for (int field = 0; field < width; field++) {
      columns[field] = relation.column(field);
      types[field] = rowType.getFieldList().get(field).getType();
    }
    List<Object[]> rows = new ArrayList<>(relation.rowCount());
    for (int row = 0; row < relation.rowCount(); row++) {
      Object[] values = new Object[width];
      for (int field = 0; field < width; field++) {
        values[field] = Types.rowValue(columns[field], row, types[field]);
      }
      rows.add(values);
    }
    return rows;
  }

  /** The state of one execution. */
  private static final class Run {
    private final Map<TableName, ? extends TableData> tables;
    private final QueryContext context;
    private final ExpressionEvaluator evaluator;

    Run(
        Map<TableName, ? extends TableData> tables,
        QueryContext context,
        ExpressionEvaluator evaluator) {
      this.tables = tables;
      this.context = context;
      this.evaluator = evaluator;
    }

    Relation execute(RelNode node) {
      if (node instanceof TableScan scan) {
        return TableScanOperator.scan(scan, table(scan), context);
      }
      if (node instanceof Filter filter) {
        Relation input = execute(filter.getInput());
        return FilterOperator.filter(
            filter.getCondition(), input, filter.getInput().getRowType(), context, evaluator);
      }
      if (node instanceof Project project) {
        Relation firstRows = firstRowsPerPartition(project);
        return project(project, firstRows != null ? firstRows : execute(project.getInput()));
      }
      if (node instanceof Join join) {
        if (join.getInputs().size() != 2) {
          throw unsupported(node);
        }
        Relation left = execute(join.getLeft());
        Relation right = execute(join.getRight());
        return JoinOperator.join(join, left, right, context, evaluator);
      }
      if (node instanceof Aggregate aggregate) {
        return AggregateOperator.aggregate(aggregate, execute(aggregate.getInput()), context);
      }
      if (node instanceof Window window) {
        return window(window, execute(window.getInput()));
      }
      if (node instanceof Values values) {
        return values(values);
      }
      throw unsupported(node);
    }

    private ArrowTableData table(TableScan scan) {
      return BoundTables.of(tables, scan);
    }

    /**
     * {@code Project(Filter(Project(..., ROW_NUMBER() OVER w AS r), r <= n))} where the outer
     * project does not read {@code r}: the filter's output computed as "the first n rows of each
     * partition", which needs no numbers and, when no partition has more than n rows, no order
     * keys. Returns {@code null} for any other shape.
     */
    private Relation firstRowsPerPartition(Project outer) {
      if (!(outer.getInput() instanceof Filter filter)
          || !(filter.getInput() instanceof Project inner)
          || !(filter.getCondition() instanceof RexCall condition)
          || condition.getKind() != SqlKind.LESS_THAN_OR_EQUAL
          || !(condition.getOperands().get(0) instanceof RexInputRef rank)
          || !(condition.getOperands().get(1) instanceof RexLiteral limit)
          || !(inner.getProjects().get(rank.getIndex()) instanceof RexOver over)
          || over.getOperator().getKind() != SqlKind.ROW_NUMBER
          || RelOptUtil.InputFinder.bits(outer.getProjects(), null).get(rank.getIndex())) {
        return null;
      }
      Long maxRows = limit.getValueAs(Long.class);
      if (maxRows == null || maxRows < 0) {
        return null;
      }
      for (int i = 0; i < inner.getProjects().size(); i++) {
        if (i != rank.getIndex() && inner.getProjects().get(i) instanceof RexOver) {
          return null;
        }
      }
      Relation input = execute(inner.getInput());
      RelDataType inputType = inner.getInput().getRowType();
      RexWindow window = over.getWindow();
      requireRowsUpToCurrentRow(window.isRows(), window.getLowerBound(), window.getUpperBound());
      List<Column> partitionKeys = new ArrayList<>();
      for (RexNode key : window.partitionKeys) {
        partitionKeys.add(evaluator.evaluate(key, input, inputType));
      }
      RowNumbers.OrderKeysOfRows orderKeysOfRows =
          (rows, count) -> {
            Relation subset = FilterOperator.select(input, rows, count, context);
            return orderKeys(window, subset, inputType).get();
          };
      int[] kept =
          RowNumbers.firstRowsPerPartition(
              partitionKeys, orderKeysOfRows, input.rowCount(), maxRows, context);
      List<Supplier<Column>> columns = new ArrayList<>();
      List<Relation.Pick> picks = new ArrayList<>();
      for (int i = 0; i < inner.getProjects().size(); i++) {
        RexNode expression = inner.getProjects().get(i);
        columns.add(
            i == rank.getIndex()
                ? () -> {
                  throw new IllegalStateException("the row number is not read");
                }
                : () -> evaluator.evaluate(expression, input, inputType));
        picks.add(i == rank.getIndex() ? null : passedOn(expression, input));
      }
      Relation projected = new Relation(input.rowCount(), columns, null, picks);
      return kept == null
          ? projected
          : FilterOperator.select(projected, kept, kept.length, context);
    }

    private Supplier<List<RowNumbers.OrderKey>> orderKeys(
        RexWindow window, Relation input, RelDataType inputType) {
      return () -> {
        List<RowNumbers.OrderKey> keys = new ArrayList<>();
        for (RexFieldCollation key : window.orderKeys) {
          keys.add(
              RowNumbers.OrderKey.of(
                  evaluator.evaluate(key.left, input, inputType),
                  key.getDirection(),
                  key.getNullDirection()));
        }
        return keys;
      };
    }

    private Relation project(Project project, Relation input) {
      RelDataType inputType = project.getInput().getRowType();
      List<Supplier<Column>> columns = new ArrayList<>();
      List<Relation.Pick> picks = new ArrayList<>();
      for (RexNode expression : project.getProjects()) {
        if (expression instanceof RexOver over) {
          Column numbers = rowNumber(over, input, inputType);
          columns.add(() -> numbers);
          picks.add(null);
        } else {
          columns.add(() -> evaluator.evaluate(expression, input, inputType));
          picks.add(passedOn(expression, input));
        }
      }
      return new Relation(input.rowCount(), columns, null, picks);
    }

    /**
     * The pick an input column passed on as it is stands for, while it is still a pick, so that a
     * selection above the projection gathers it from its source; else {@code null}.
     */
    private static Relation.Pick passedOn(RexNode expression, Relation input) {
      return expression instanceof RexInputRef ref ? input.pendingPick(ref.getIndex()) : null;
    }

    private Column rowNumber(RexOver over, Relation input, RelDataType inputType) {
      if (over.getOperator().getKind() != SqlKind.ROW_NUMBER) {
        throw new ExecutionException(
            ExecutionErrorCode.UNSUPPORTED_PLAN,
            "window function "
                + over.getOperator().getName()
                + " is not supported by the executor");
      }
      RexWindow window = over.getWindow();
      requireRowsUpToCurrentRow(window.isRows(), window.getLowerBound(), window.getUpperBound());
      List<Column> partitionKeys = new ArrayList<>();
      for (RexNode key : over.getWindow().partitionKeys) {
        partitionKeys.add(evaluator.evaluate(key, input, inputType));
      }
      // Evaluated only if some partition has more than one row.
      return RowNumbers.compute(
          partitionKeys, orderKeys(window, input, inputType), input.rowCount(), context);
    }

    /**
     * SQL numbers rows over ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. Over any other frame
     * Calcite's enumerable engine numbers rows differently (over the whole partition, every row is
     * 1), so such a plan is refused rather than answered differently.
     */
    private static void requireRowsUpToCurrentRow(
        boolean isRows, RexWindowBound lower, RexWindowBound upper) {
      boolean standard =
          isRows && lower.isUnbounded() && lower.isPreceding() && upper.isCurrentRow();
      if (!standard) {
        throw new ExecutionException(
            ExecutionErrorCode.UNSUPPORTED_PLAN,
            "ROW_NUMBER over a frame other than ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
                + " is not supported by the executor");
      }
    }

    private Relation window(Window window, Relation input) {
      List<Supplier<Column>> columns = new ArrayList<>();
      for (int field = 0; field < input.columnCount(); field++) {
        int index = field;
        columns.add(() -> input.column(index));
      }
      for (Window.Group group : window.groups) {
        for (Window.RexWinAggCall call : group.aggCalls) {
          if (call.getOperator().getKind() != SqlKind.ROW_NUMBER) {
            throw new ExecutionException(
                ExecutionErrorCode.UNSUPPORTED_PLAN,
                "window function "
                    + call.getOperator().getName()
                    + " is not supported by the executor");
          }
        }
        requireRowsUpToCurrentRow(group.isRows, group.lowerBound, group.upperBound);
        List<Column> partitionKeys = new ArrayList<>();
        for (int key : group.keys) {
          partitionKeys.add(input.column(key));
        }
        List<RowNumbers.OrderKey> orderKeys = new ArrayList<>();
        for (RelFieldCollation collation : group.orderKeys.getFieldCollations()) {
          int index = collation.getFieldIndex();
          Column column =
              index < input.columnCount()
                  ? input.column(index)
                  : ExpressionEvaluator.literal(window.constants.get(index - input.columnCount()));
          orderKeys.add(
              RowNumbers.OrderKey.of(column, collation.getDirection(), collation.nullDirection));
        }
        Column numbers =
            group.aggCalls.isEmpty()
                ? null
                : RowNumbers.compute(partitionKeys, () -> orderKeys, input.rowCount(), context);
        for (int c = 0; c < group.aggCalls.size(); c++) {
          columns.add(() -> numbers);
        }
      }
      return new Relation(input.rowCount(), columns);
    }

    private Relation values(Values values) {
      int rowCount = values.getTuples().size();
      List<Supplier<Column>> columns = new ArrayList<>();
      List<RelDataType> types = new ArrayList<>();
      for (var field : values.getRowType().getFieldList()) {
        types.add(field.getType());
      }
      for (int field = 0; field < types.size(); field++) {
        int index = field;
        Types.Kind kind = Types.kind(types.get(field));
        columns.add(
            () -> {
              Object[] cells = new Object[rowCount];
              for (int row = 0; row < rowCount; row++) {
                RexLiteral literal = values.getTuples().get(row).get(index);
                cells[row] = ExpressionEvaluator.literal(literal).value();
              }
              if (kind == Types.Kind.STRING) {
                return new ObjectColumn(cells);
              }
              return Types.columnOf(cells, kind, context.memory());
            });
      }
      return new Relation(rowCount, columns);
    }

    private static ExecutionException unsupported(RelNode node) {
      return new ExecutionException(
          ExecutionErrorCode.UNSUPPORTED_PLAN,
          "operator " + node.getRelTypeName() + " is not supported by the executor");
    }
  }
}
