package dev.cleanroom.querypolicy.lineage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;

/**
 * Puts a flattened query's scans in one order and renumbers its base row to match: the table with
 * the smallest name first, then again and again the smallest-named table joined by a column
 * equality to one already placed, so that every join of the left-deep plan has a key (sorting by
 * name alone could put two tables that each join a third next to each other: a cross product, whose
 * work one person's rows could multiply by the size of the analyst's own table). The order depends
 * only on the tables and their join equalities, never on how the SQL lists them: {@code a JOIN b}
 * and {@code b JOIN a} then check, rewrite and digest alike, so the two are one query to the cache
 * and to the budget. An inner join's result does not depend on the order of its inputs, so neither
 * does the answer.
 */
public final class CanonicalScanOrder {
  private CanonicalScanOrder() {}

  /**
   * The same query with its scans in the canonical join order (ties, which are refused, keep
   * order).
   */
  public static FlatQuery apply(FlatQuery flat) {
    if (flat.perPerson() != null && flat.perPerson().leftJoin() != null) {
      // A LEFT JOIN is not symmetric: its per-person side stays last, where the check expects it.
      return flat;
    }
    List<Integer> order = joinOrder(flat);
    if (order.equals(IntStream.range(0, order.size()).boxed().toList())) {
      return flat;
    }
    int[] newIndex = new int[flat.columns().size()];
    List<Scan> scans = new ArrayList<>();
    List<BaseColumn> columns = new ArrayList<>();
    for (int position = 0; position < order.size(); position++) {
      Scan scan = flat.scans().get(order.get(position));
      scans.add(
          new Scan(
              scan.table(), scan.relOptTable(), scan.policy(), columns.size(), scan.purpose()));
      for (int i = 0; i < scan.width(); i++) {
        BaseColumn column = flat.columns().get(scan.offset() + i);
        newIndex[scan.offset() + i] = columns.size();
        columns.add(
            new BaseColumn(
                position, column.table(), column.name(), column.policy(), column.type()));
      }
    }
    RexShuttle renumber =
        new RexShuttle() {
          @Override
          public RexNode visitInputRef(RexInputRef ref) {
            return new RexInputRef(newIndex[ref.getIndex()], ref.getType());
          }
        };
    PerPersonBlock perPerson = flat.perPerson();
    List<RexNode> groupKeys = flat.groupKeys();
    List<AggregateUse> aggregates = flat.aggregates();
    if (perPerson == null) {
      groupKeys = renumber.apply(groupKeys);
      aggregates = renumbered(aggregates, renumber);
    } else {
      // The outer block reads the per-person row, which does not change; the inner reads the base.
      perPerson =
          new PerPersonBlock(
              renumber.apply(perPerson.groupKeys()),
              renumbered(perPerson.aggregates(), renumber),
              perPerson.filters(),
              perPerson.types());
    }
    // Above an aggregate, expressions read the aggregate's row, which does not change.
    boolean baseRow = !flat.aggregated();
    return new FlatQuery(
        scans,
        columns,
        renumber.apply(flat.joinConditions()),
        renumber.apply(flat.filters()),
        flat.aggregated(),
        groupKeys,
        aggregates,
        baseRow ? renumber.apply(flat.having()) : flat.having(),
        baseRow ? renumber.apply(flat.outputs()) : flat.outputs(),
        flat.outputNames(),
        flat.order(),
        flat.limit(),
        baseRow ? renumber.apply(flat.sortValues()) : flat.sortValues(),
        perPerson);
  }

  /** Scan indexes in the canonical join order. */
  static List<Integer> joinOrder(FlatQuery flat) {
    int n = flat.scans().size();
    boolean[][] joined = new boolean[n][n];
    for (RexNode condition : flat.joinConditions()) {
      for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
        if (conjunct.getKind() != SqlKind.EQUALS) {
          continue;
        }
        List<RexNode> operands = ((RexCall) conjunct).getOperands();
        Integer left = LineageChecker.plainColumn(operands.get(0));
        Integer right = LineageChecker.plainColumn(operands.get(1));
        if (left != null && right != null) {
          int a = flat.columns().get(left).scan();
          int b = flat.columns().get(right).scan();
          joined[a][b] = true;
          joined[b][a] = true;
        }
      }
    }
    List<Integer> byName =
        IntStream.range(0, n)
            .boxed()
            .sorted(Comparator.comparing(i -> flat.scans().get(i).table().toString()))
            .toList();
    List<Integer> order = new ArrayList<>();
    boolean[] placed = new boolean[n];
    while (order.size() < n) {
      Integer next = null;
      for (int candidate : byName) {
        if (!placed[candidate]
            && (order.isEmpty() || order.stream().anyMatch(p -> joined[p][candidate]))) {
          next = candidate;
          break;
        }
      }
      if (next == null) {
        // Not joined to the tables placed: the lineage check refuses such a query.
        next = byName.stream().filter(i -> !placed[i]).findFirst().orElseThrow();
      }
      order.add(next);
      placed[next] = true;
    }
    return order;
  }

  private static List<AggregateUse> renumbered(List<AggregateUse> aggregates, RexShuttle renumber) {
    List<AggregateUse> renumbered = new ArrayList<>();
    for (AggregateUse aggregate : aggregates) {
      renumbered.add(
          new AggregateUse(
              aggregate.function(),
              aggregate.distinct(),
              renumber.apply(aggregate.arguments()),
              aggregate.hasClause(),
              aggregate.filter() == null ? null : aggregate.filter().accept(renumber)));
    }
    return renumbered;
  }
}
