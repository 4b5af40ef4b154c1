package dev.cleanroom.querypolicy.rewrite;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.lineage.BaseColumn;
import dev.cleanroom.querypolicy.lineage.CheckedQuery;
import dev.cleanroom.querypolicy.lineage.Measure;
import dev.cleanroom.querypolicy.lineage.Scan;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexNode;

/**
 * How many rows of one joined table take part per join key and person, and which: a table an
 * analyst uploads may hold millions of rows under one person's fingerprint, and without this bound
 * the join's work (and whether it hits a limit) would tell whether that person is in the other
 * party's table.
 *
 * @param scan index of the scan in the query's base row
 * @param partitionColumns the scan's own column indexes whose values together are one bucket: its
 *     join keys and the column that names the person
 * @param readColumns the scan's own column indexes the query reads; rows equal on these are
 *     interchangeable, so they order the rows after the keyed hash
 * @param maxRows rows kept per bucket, from the scan's policy
 */
record JoinKeyCap(
    int scan, List<Integer> partitionColumns, List<Integer> readColumns, int maxRows) {

  JoinKeyCap {
    partitionColumns = List.copyOf(requireNonNull(partitionColumns, "partitionColumns is null"));
    readColumns = List.copyOf(requireNonNull(readColumns, "readColumns is null"));
    if (partitionColumns.isEmpty()) {
      throw new IllegalArgumentException("a join-key cap partitions by at least one column");
    }
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1, was " + maxRows);
    }
  }

  /** One cap per scan when the query joins; none for a single table, whose work is its own. */
  static List<JoinKeyCap> of(CheckedQuery query) {
    List<Scan> scans = query.flat().scans();
    if (scans.size() < 2) {
      return List.of();
    }
    TreeSet<Integer> read = new TreeSet<>();
    read.add(query.unitColumn());
    for (CheckedQuery.KeyPair pair : query.keyPairs()) {
      read.add(pair.left());
      read.add(pair.right());
    }
    List<RexNode> expressions = new ArrayList<>(query.groupKeys());
    expressions.addAll(query.filters());
    query.measures().stream()
        .map(Measure::argument)
        .filter(argument -> argument != null)
        .forEach(expressions::add);
    for (RexNode expression : expressions) {
      read.addAll(RelOptUtil.InputFinder.bits(expression).asList());
    }
    TableName unitTable = unitTable(query);
    List<JoinKeyCap> caps = new ArrayList<>();
    for (int s = 0; s < scans.size(); s++) {
      Scan scan = scans.get(s);
      int from = scan.offset();
      int to = from + scan.width();
      TreeSet<Integer> partition = new TreeSet<>();
      for (CheckedQuery.KeyPair pair : query.keyPairs()) {
        for (int column : List.of(pair.left(), pair.right())) {
          if (column >= from && column < to) {
            partition.add(column - from);
          }
        }
      }
      partition.add(personColumn(scan, unitTable, query) - from);
      List<Integer> readHere = read.subSet(from, to).stream().map(column -> column - from).toList();
      caps.add(
          new JoinKeyCap(
              s, List.copyOf(partition), readHere, scan.policy().privacy().maxRowsPerJoinKey()));
    }
    return caps;
  }

  /** The table whose people the query counts: the unit column's own, or the one it links to. */
  private static TableName unitTable(CheckedQuery query) {
    BaseColumn unit = query.flat().columns().get(query.unitColumn());
    return unit.policy().columnClass() == ColumnClass.PRIVACY_UNIT
        ? unit.table()
        : unit.policy().linksToUnitOf();
  }

  /** The base-row index of the scan's column that names the query's person. */
  private static int personColumn(Scan scan, TableName unitTable, CheckedQuery query) {
    List<BaseColumn> columns = query.flat().columns();
    for (int i = scan.offset(); i < scan.offset() + scan.width(); i++) {
      ColumnPolicy policy = columns.get(i).policy();
      if (policy == null) {
        continue;
      }
      boolean ownUnit =
          policy.columnClass() == ColumnClass.PRIVACY_UNIT && scan.table().equals(unitTable);
      boolean linked =
          policy.columnClass() == ColumnClass.JOIN_KEY && unitTable.equals(policy.linksToUnitOf());
      if (ownUnit || linked) {
        return i;
      }
    }
    throw new IllegalStateException(scan.table() + " reaches no column of the query's person");
  }
}
