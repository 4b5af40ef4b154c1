package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.QueryMemory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Hash aggregation: COUNT, SUM, $SUM0, MIN and MAX per group, with FILTER. Groups are numbered by
 * {@link GroupIds}; each group is accumulated by one thread (the one that owns it, or the one that
 * took its radix partition), visiting its rows in input order, so a group's sum is added up in the
 * same order as a sequential engine would. Exact aggregates (COUNT, and SUM of integers) over a few
 * groups are instead added up per range of rows by each thread and the ranges' partials added
 * together: integers add up to the same total in any order.
 */
final class AggregateOperator {
  /** Rows per step of the owned-by-thread loop: small enough that a chunk's arrays stay cached. */
  private static final int CHUNK = 4096;

  /** At most this many groups are added up per range of rows and merged, when all are exact. */
  private static final int MERGED_GROUPS = 1 << 12;

  /** Rows below which merging partials is not worth handing rows to another thread. */
  private static final int MERGED_MIN_ROWS = 16_384;

  /** Group counts up to which rows are counted in four independent lanes. */
  private static final int FEW_GROUPS = 64;

  private AggregateOperator() {}

  /**
   * Adds the number of rows of {@code [from, to)} in each group to {@code counts}. For a few groups
   * consecutive rows often share one, and each increment would wait for the one before: four lanes
   * of counters (in the same cache line) let them proceed side by side.
   */
  static void countRows(int[] groupOf, int from, int to, long[] counts) {
    int groups = counts.length;
    if (groups > FEW_GROUPS || to - from < 64) {
      for (int i = from; i < to; i++) {
        counts[groupOf[i]]++;
      }
      return;
    }
    long[] lanes = new long[groups * 4];
    int i = from;
    for (; i + 3 < to; i += 4) {
      lanes[groupOf[i] << 2]++;
      lanes[(groupOf[i + 1] << 2) | 1]++;
      lanes[(groupOf[i + 2] << 2) | 2]++;
      lanes[(groupOf[i + 3] << 2) | 3]++;
    }
    for (; i < to; i++) {
      lanes[groupOf[i] << 2]++;
    }
    for (int group = 0; group < groups; group++) {
      int lane = group << 2;
      counts[group] += lanes[lane] + lanes[lane + 1] + lanes[lane + 2] + lanes[lane + 3];
    }
  }

  static Relation aggregate(Aggregate aggregate, Relation input, QueryContext context) {
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      throw unsupported("an aggregate with grouping sets");
    }
    for (AggregateCall call : aggregate.getAggCallList()) {
      if (call.isDistinct()) {
        throw unsupported("a DISTINCT aggregate (the plan must pre-aggregate per unit)");
      }
      switch (call.getAggregation().getKind()) {
        case COUNT, SUM, SUM0, MIN, MAX -> {}
        default -> throw unsupported("aggregate function " + call.getAggregation().getName());
      }
    }
    int rowCount = input.rowCount();
    List<Integer> groupFields = aggregate.getGroupSet().asList();
    List<Column> keys = new ArrayList<>();
    for (int field : groupFields) {
      keys.add(input.column(field));
    }
    // A global aggregate has exactly one group, even over no rows.
    GroupIds groups = GroupIds.assign(keys, rowCount, context);
    int groupCount = groupFields.isEmpty() ? 1 : groups.groupCount();

    // The keys are materialized, not picked: a selection of the groups (the ranking's) would then
    // read the input's rows at random once per selection instead of once.
    List<Supplier<Column>> output = new ArrayList<>();
    for (int k = 0; k < groupFields.size(); k++) {
      Column key = keys.get(k);
      int index = k;
      output.add(() -> groups.keyOfGroups(index, key));
    }
    // Radix partitioned, the aggregated columns are first moved into partition order (read
    // sequentially, written to one stream per partition), so accumulating reads them in order.
    Relation arguments = groups.isRadixPartitioned() ? toPositions(input, groups, context) : input;
    List<Accumulator> accumulators = new ArrayList<>();
    for (AggregateCall call : aggregate.getAggCallList()) {
      accumulators.add(accumulator(call, aggregate, arguments, groupCount, context));
    }
    Accumulator[] all = accumulators.toArray(new Accumulator[0]);
    if (groups.isRadixPartitioned()) {
      accumulateByPartition(groups, all, context);
    } else {
      accumulateOwnedByThread(groups, all, rowCount, context);
    }
    for (Accumulator accumulator : accumulators) {
      Column result = accumulator.result();
      output.add(() -> result);
    }
    return new Relation(groupCount, output);
  }

  /**
   * Each thread visits all rows and keeps those of the groups it owns; or, for a few groups and
   * exact aggregates only, each thread adds up a range of rows into its own partials, merged after.
   */
  private static void accumulateOwnedByThread(
      GroupIds groups, Accumulator[] all, int rowCount, QueryContext context) {
    int parts = groups.partitions();
    int[] groupOfRow = groups.groupOfRow();
    if (rowCount >= MERGED_MIN_ROWS && groups.groupCount() <= MERGED_GROUPS && allExact(all)) {
      Accumulator[][] partials = new Accumulator[context.parallelism()][];
      context.parallelRanges(
          rowCount,
          (part, from, to) -> {
            Accumulator[] mine = new Accumulator[all.length];
            for (int a = 0; a < all.length; a++) {
              mine[a] = all[a].emptyPartial(context.memory());
            }
            for (int start = from; start < to; start += CHUNK) {
              int end = Math.min(to, start + CHUNK);
              for (Accumulator accumulator : mine) {
                accumulator.addRange(groupOfRow, start, end, null, 0);
              }
            }
            partials[part] = mine;
          });
      for (Accumulator[] partial : partials) {
        if (partial != null) {
          for (int a = 0; a < all.length; a++) {
            all[a].merge(partial[a]);
          }
        }
      }
      return;
    }
    int[] partitionOfRow = groups.partitionOfRow();
    context.parallel(
        part -> {
          if (part >= parts) {
            return;
          }
          // An aggregate at a time, in chunks, so each runs its own tight loop over the chunk.
          for (int from = 0; from < rowCount; from += CHUNK) {
            int to = Math.min(rowCount, from + CHUNK);
            for (Accumulator accumulator : all) {
              accumulator.addRange(groupOfRow, from, to, parts == 1 ? null : partitionOfRow, part);
            }
          }
        });
  }

  private static boolean allExact(Accumulator[] all) {
    for (Accumulator accumulator : all) {
      if (!accumulator.exact()) {
        return false;
      }
    }
    return true;
  }

  private static Relation toPositions(Relation input, GroupIds groups, QueryContext context) {
    List<Supplier<Column>> columns = new ArrayList<>();
    for (int field = 0; field < input.columnCount(); field++) {
      int index = field;
      columns.add(() -> Gather.toPositions(input.column(index), groups.positionOfRow(), context));
    }
    return new Relation(input.rowCount(), columns);
  }

  /**
   * Threads take radix partitions in turn; a partition's groups are a small contiguous range of
   * ids, so its accumulators stay in cache, and its rows are visited in input order. Accumulators
   * read their arguments by position (see {@link Gather#toPositions}).
   */
  private static void accumulateByPartition(
      GroupIds groups, Accumulator[] all, QueryContext context) {
    int[] groupAt = groups.groupAt();
    int[] partitionStart = groups.partitionStart();
    int partitionCount = partitionStart.length - 1;
    AtomicInteger nextPartition = new AtomicInteger();
    context.parallel(
        part -> {
          int p;
          while ((p = nextPartition.getAndIncrement()) < partitionCount) {
            for (Accumulator accumulator : all) {
              accumulator.addRange(groupAt, partitionStart[p], partitionStart[p + 1], null, 0);
            }
          }
        });
  }

  private static Accumulator accumulator(
      AggregateCall call,
      Aggregate aggregate,
      Relation input,
      int groupCount,
      QueryContext context) {
    Column filter = call.filterArg >= 0 ? input.column(call.filterArg) : null;
    List<Column> arguments = new ArrayList<>();
    for (int argument : call.getArgList()) {
      arguments.add(input.column(argument));
    }
    QueryMemory memory = context.memory();
    SqlTypeName resultType = call.getType().getSqlTypeName();
    switch (call.getAggregation().getKind()) {
      case COUNT -> {
        return new Count(filter, arguments, memory.longs(groupCount));
      }
      case SUM, SUM0 -> {
        boolean zeroWhenEmpty =
            call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.SUM0;
        Types.Kind kind = Types.kind(call.getType());
        Column argument = arguments.get(0);
        return switch (kind) {
          case LONG ->
              new LongSum(
                  filter,
                  argument,
                  memory.longs(groupCount),
                  memory.booleans(groupCount),
                  zeroWhenEmpty,
                  resultType);
          case DOUBLE ->
              new DoubleSum(
                  filter,
                  argument,
                  memory.doubles(groupCount),
                  memory.booleans(groupCount),
                  zeroWhenEmpty);
          case DECIMAL ->
              new DecimalSum(filter, argument, memory.objects(groupCount), zeroWhenEmpty);
          default -> throw unsupported("SUM of a " + resultType + " value");
        };
      }
      default -> {
        boolean isMin = call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.MIN;
        Column argument = arguments.get(0);
        Types.Kind kind = Types.kind(call.getType());
        return switch (kind) {
          case LONG ->
              new LongExtreme(
                  filter, argument, memory.longs(groupCount), memory.booleans(groupCount), isMin);
          case DOUBLE ->
              new DoubleExtreme(
                  filter, argument, memory.doubles(groupCount), memory.booleans(groupCount), isMin);
          default ->
              new ObjectExtreme(filter, argument, memory.objects(groupCount), isMin, kind, context);
        };
      }
    }
  }

  private static ExecutionException unsupported(String what) {
    return new ExecutionException(
        ExecutionErrorCode.UNSUPPORTED_PLAN, what + " is not supported by the executor");
  }

  private abstract static class Accumulator {
    private final Column filter;

    Accumulator(Column filter) {
      this.filter = filter;
    }

    final void add(int group, int row) {
      if (filter == null || (!filter.isNull(row) && filter.longAt(row) != 0)) {
        accept(group, row);
      }
    }

    /**
     * Adds rows {@code from .. to} (row i to group {@code groupOf[i]}), skipping rows whose {@code
     * owner} is not {@code part} when an owner array is given. Subclasses loop over their primitive
     * arrays directly where they can.
     */
    void addRange(int[] groupOf, int from, int to, int[] owner, int part) {
      for (int i = from; i < to; i++) {
        if (owner == null || owner[i] == part) {
          add(groupOf[i], i);
        }
      }
    }

    final boolean unfiltered() {
      return filter == null;
    }

    final Column filter() {
      return filter;
    }

    /** Whether partials of any split of the rows merge into the very result of adding them all. */
    boolean exact() {
      return false;
    }

    /** An empty accumulator of the same aggregate, as large, for a part of the rows. */
    Accumulator emptyPartial(QueryMemory memory) {
      throw new UnsupportedOperationException("not exact");
    }

    /** Adds {@code partial}'s groups into this accumulator's. */
    void merge(Accumulator partial) {
      throw new UnsupportedOperationException("not exact");
    }

    abstract void accept(int group, int row);

    abstract Column result();
  }

  private static final class Count extends Accumulator {
    private final List<Column> arguments;
    private final long[] counts;

    Count(Column filter, List<Column> arguments, long[] counts) {
      super(filter);
      this.arguments = arguments;
      this.counts = counts;
    }

    @Override
    boolean exact() {
      return true;
    }

    @Override
    Accumulator emptyPartial(QueryMemory memory) {
      return new Count(filter(), arguments, memory.longs(counts.length));
    }

    @Override
    void merge(Accumulator partial) {
      long[] other = ((Count) partial).counts;
      for (int group = 0; group < counts.length; group++) {
        counts[group] += other[group];
      }
    }

    @Override
    void accept(int group, int row) {
      for (Column argument : arguments) {
        if (argument.isNull(row)) {
          return;
        }
      }
      counts[group]++;
    }

    @Override
    void addRange(int[] groupOf, int from, int to, int[] owner, int part) {
      if (!unfiltered() || !arguments.isEmpty()) {
        super.addRange(groupOf, from, to, owner, part);
        return;
      }
      if (owner == null) {
        countRows(groupOf, from, to, counts);
        return;
      }
      for (int i = from; i < to; i++) {
        if (owner[i] == part) {
          counts[groupOf[i]]++;
        }
      }
    }

    @Override
    Column result() {
      return new LongColumn(counts, null);
    }
  }

  private static final class LongSum extends Accumulator {
    private final Column argument;
    private final long[] sums;
    private final boolean[] seen;
    private final boolean zeroWhenEmpty;
    private final SqlTypeName resultType;

    LongSum(
        Column filter,
        Column argument,
        long[] sums,
        boolean[] seen,
        boolean zeroWhenEmpty,
        SqlTypeName resultType) {
      super(filter);
      this.argument = argument;
      this.sums = sums;
      this.seen = seen;
      this.zeroWhenEmpty = zeroWhenEmpty;
      this.resultType = resultType;
    }

    @Override
    boolean exact() {
      return true;
    }

    @Override
    Accumulator emptyPartial(QueryMemory memory) {
      return new LongSum(
          filter(),
          argument,
          memory.longs(sums.length),
          memory.booleans(sums.length),
          zeroWhenEmpty,
          resultType);
    }

    @Override
    void merge(Accumulator partial) {
      LongSum other = (LongSum) partial;
      try {
        for (int group = 0; group < sums.length; group++) {
          sums[group] = Math.addExact(sums[group], other.sums[group]);
          seen[group] |= other.seen[group];
        }
      } catch (ArithmeticException e) {
        throw overflow();
      }
    }

    @Override
    void accept(int group, int row) {
      if (argument.isNull(row)) {
        return;
      }
      try {
        sums[group] = Math.addExact(sums[group], argument.longAt(row));
      } catch (ArithmeticException e) {
        throw overflow();
      }
      seen[group] = true;
    }

    @Override
    void addRange(int[] groupOf, int from, int to, int[] owner, int part) {
      if (unfiltered()
          && argument instanceof ConstantColumn constant
          && constant.value() instanceof Long value) {
        // A literal (the one-row path's count of 1): the same addend on every row.
        long addend = value;
        if (owner == null && sums.length <= FEW_GROUPS) {
          addConstant(groupOf, from, to, addend);
          return;
        }
        try {
          for (int i = from; i < to; i++) {
            if (owner == null || owner[i] == part) {
              int group = groupOf[i];
              sums[group] = Math.addExact(sums[group], addend);
              seen[group] = true;
            }
          }
        } catch (ArithmeticException e) {
          throw overflow();
        }
        return;
      }
      if (!unfiltered() || !(argument instanceof LongColumn column)) {
        super.addRange(groupOf, from, to, owner, part);
        return;
      }
      long[] values = column.values();
      boolean[] nulls = column.nulls();
      try {
        for (int i = from; i < to; i++) {
          if ((owner == null || owner[i] == part) && (nulls == null || !nulls[i])) {
            int group = groupOf[i];
            sums[group] = Math.addExact(sums[group], values[i]);
            seen[group] = true;
          }
        }
      } catch (ArithmeticException e) {
        throw overflow();
      }
    }

    /**
     * {@code addend} once per row of {@code [from, to)} into the row's group: the rows counted per
     * group, then each count times the addend. The partial sums of one constant move one way, so
     * they overflow exactly when the total does; should the product alone overflow, the rows are
     * added one by one as before.
     */
    private void addConstant(int[] groupOf, int from, int to, long addend) {
      long[] counts = new long[sums.length];
      countRows(groupOf, from, to, counts);
      for (int group = 0; group < sums.length; group++) {
        long count = counts[group];
        if (count == 0) {
          continue;
        }
        try {
          sums[group] = Math.addExact(sums[group], Math.multiplyExact(addend, count));
        } catch (ArithmeticException e) {
          try {
            for (long row = 0; row < count; row++) {
              sums[group] = Math.addExact(sums[group], addend);
            }
          } catch (ArithmeticException overflow) {
            throw overflow();
          }
        }
        seen[group] = true;
      }
    }

    @Override
    Column result() {
      boolean[] nulls = null;
      for (int group = 0; group < sums.length; group++) {
        if (resultType == SqlTypeName.INTEGER
            && (sums[group] < Integer.MIN_VALUE || sums[group] > Integer.MAX_VALUE)) {
          throw overflow();
        }
        if (!seen[group] && !zeroWhenEmpty) {
          if (nulls == null) {
            nulls = new boolean[sums.length];
          }
          nulls[group] = true;
        }
      }
      return new LongColumn(sums, nulls);
    }
  }

  private static final class DoubleSum extends Accumulator {
    private final Column argument;
    private final double[] sums;
    private final boolean[] seen;
    private final boolean zeroWhenEmpty;

    DoubleSum(
        Column filter, Column argument, double[] sums, boolean[] seen, boolean zeroWhenEmpty) {
      super(filter);
      this.argument = argument;
      this.sums = sums;
      this.seen = seen;
      this.zeroWhenEmpty = zeroWhenEmpty;
    }

    @Override
    void accept(int group, int row) {
      if (!argument.isNull(row)) {
        sums[group] += argument.doubleAt(row);
        seen[group] = true;
      }
    }

    @Override
    void addRange(int[] groupOf, int from, int to, int[] owner, int part) {
      if (!unfiltered() || !(argument instanceof DoubleColumn column)) {
        super.addRange(groupOf, from, to, owner, part);
        return;
      }
      double[] values = column.values();
      boolean[] nulls = column.nulls();
      for (int i = from; i < to; i++) {
        if ((owner == null || owner[i] == part) && (nulls == null || !nulls[i])) {
          int group = groupOf[i];
          sums[group] += values[i];
          seen[group] = true;
        }
      }
    }

    @Override
    Column result() {
      boolean[] nulls = null;
      if (!zeroWhenEmpty) {
        for (int group = 0; group < sums.length; group++) {
          if (!seen[group]) {
            if (nulls == null) {
              nulls = new boolean[sums.length];
            }
            nulls[group] = true;
          }
        }
      }
      return new DoubleColumn(sums, nulls);
    }
  }

  private static final class DecimalSum extends Accumulator {
    private final Column argument;
    private final Object[] sums;
    private final boolean zeroWhenEmpty;

    DecimalSum(Column filter, Column argument, Object[] sums, boolean zeroWhenEmpty) {
      super(filter);
      this.argument = argument;
      this.sums = sums;
      this.zeroWhenEmpty = zeroWhenEmpty;
    }

    @Override
    void accept(int group, int row) {
      Object value = argument.objectAt(row);
      if (value != null) {
        BigDecimal sum = (BigDecimal) sums[group];
        sums[group] = sum == null ? (BigDecimal) value : sum.add((BigDecimal) value);
      }
    }

    @Override
    Column result() {
      if (zeroWhenEmpty) {
        for (int group = 0; group < sums.length; group++) {
          if (sums[group] == null) {
            sums[group] = BigDecimal.ZERO;
          }
        }
      }
      return new ObjectColumn(sums);
    }
  }

  private static final class LongExtreme extends Accumulator {
    private final Column argument;
    private final long[] best;
    private final boolean[] seen;
    private final boolean isMin;

    LongExtreme(Column filter, Column argument, long[] best, boolean[] seen, boolean isMin) {
      super(filter);
      this.argument = argument;
      this.best = best;
      this.seen = seen;
      this.isMin = isMin;
    }

    @Override
    void accept(int group, int row) {
      if (argument.isNull(row)) {
        return;
      }
      long value = argument.longAt(row);
      if (!seen[group] || (isMin ? value < best[group] : value > best[group])) {
        best[group] = value;
        seen[group] = true;
      }
    }

    @Override
    Column result() {
      boolean[] nulls = new boolean[best.length];
      for (int group = 0; group < best.length; group++) {
        nulls[group] = !seen[group];
      }
      return new LongColumn(best, nulls);
    }
  }

  private static final class DoubleExtreme extends Accumulator {
    private final Column argument;
    private final double[] best;
    private final boolean[] seen;
    private final boolean isMin;

    DoubleExtreme(Column filter, Column argument, double[] best, boolean[] seen, boolean isMin) {
      super(filter);
      this.argument = argument;
      this.best = best;
      this.seen = seen;
      this.isMin = isMin;
    }

    @Override
    void accept(int group, int row) {
      if (argument.isNull(row)) {
        return;
      }
      double value = argument.doubleAt(row);
      if (!seen[group] || (isMin ? value < best[group] : value > best[group])) {
        best[group] = value;
        seen[group] = true;
      }
    }

    @Override
    Column result() {
      boolean[] nulls = new boolean[best.length];
      for (int group = 0; group < best.length; group++) {
        nulls[group] = !seen[group];
      }
      return new DoubleColumn(best, nulls);
    }
  }

  private static final class ObjectExtreme extends Accumulator {
    private final Column argument;
    private final Object[] best;
    private final boolean isMin;
    private final Types.Kind kind;
    private final QueryContext context;

    ObjectExtreme(
        Column filter,
        Column argument,
        Object[] best,
        boolean isMin,
        Types.Kind kind,
        QueryContext context) {
      super(filter);
      this.argument = argument;
      this.best = best;
      this.isMin = isMin;
      this.kind = kind;
      this.context = context;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    void accept(int group, int row) {
      Object value = argument.objectAt(row);
      if (value == null) {
        return;
      }
      Object current = best[group];
      if (current == null) {
        best[group] = value;
        return;
      }
      int comparison = ((Comparable) value).compareTo(current);
      if (isMin ? comparison < 0 : comparison > 0) {
        best[group] = value;
      }
    }

    @Override
    Column result() {
      return Types.columnOf(best, kind, context.memory());
    }
  }

  private static ExecutionException overflow() {
    return new ExecutionException(
        ExecutionErrorCode.ARITHMETIC_ERROR, "integer overflow in an aggregate");
  }
}
