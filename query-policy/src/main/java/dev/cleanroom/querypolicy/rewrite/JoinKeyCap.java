package dev.cleanroom.querypolicy.rewrite;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.lineage.BaseColumn;
import dev.cleanroom.querypolicy.lineage.CheckedQuery;
import dev.cleanroom.querypolicy.lineage.Measure;
import dev.cleanroom.querypolicy.lineage.PerPersonRows;
import dev.cleanroom.querypolicy.lineage.Scan;
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
 * @param partitionColumns the scan's own column indexes whose values together are one bucket: the
 *     column that names the person, which is also what the table is joined on
 * @param readColumns the scan's own column indexes the query reads; rows equal on these are
 *     interchangeable, so they order the rows after the keyed hash
 * @param maxRows rows kept per bucket, from the scan's policy
 * @param heldByPolicy whether the scan's policy already holds every bucket to one row: the bucket
 *     is the table's PRIVACY_UNIT column and the policy declares one row per unit, which its
 *     uploads and its approval enforce (docs/PRIVACY.md, "One row per person"); the plan then ranks
 *     nothing, and every bucket keeps its one row as the cap would
 */
record JoinKeyCap(
    int scan,
    List<Integer> partitionColumns,
    List<Integer> readColumns,
    int maxRows,
    boolean heldByPolicy) {

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

  /**
   * One cap per scan when the query joins, by the scan's person column; none for a single table,
   * whose work is its own. Every joined table is joined on its person (the analyser refuses
   * others), so a person's rows per join key are a part of their rows.
   */
  static List<JoinKeyCap> of(CheckedQuery query) {
    List<Scan> scans = query.flat().scans();
    boolean leftJoin = query.perPerson() != null && query.perPerson().leftJoin() != null;
    if (leftJoin) {
      // A LEFT JOIN to per-person rows meets each row with at most one, so it multiplies nothing:
      // only the inner joins on its left are capped.
      scans = scans.subList(0, scans.size() - 1);
    }
    if (scans.size() < 2) {
      return List.of();
    }
    TreeSet<Integer> read = new TreeSet<>();
    read.add(query.unitColumn());
    for (CheckedQuery.KeyPair pair : query.keyPairs()) {
      read.add(pair.left());
      read.add(pair.right());
    }
    List<RexNode> expressions = new ArrayList<>(query.filters());
    if (leftJoin) {
      // The outer block reads the left side's columns by their base index (and per-person fields
      // past every base column, which no scan's range holds).
      read.add(query.perPerson().leftJoin().tableKey());
      expressions.addAll(query.groupKeys());
      expressions.addAll(query.perPerson().leftJoin().outerFilters());
      query.measures().stream()
          .map(Measure::argument)
          .filter(argument -> argument != null)
          .forEach(expressions::add);
    } else if (query.perPerson() == null) {
      expressions.addAll(query.groupKeys());
      query.measures().stream()
          .map(Measure::argument)
          .filter(argument -> argument != null)
          .forEach(expressions::add);
    } else {
      // The outer block reads the per-person rows; what it reads of the base rows is the inner's.
      expressions.addAll(query.perPerson().groupKeys());
      query.perPerson().aggregates().stream()
          .map(PerPersonRows.Aggregate::argument)
          .filter(argument -> argument != null)
          .forEach(expressions::add);
    }
    for (RexNode expression : expressions) {
      read.addAll(RelOptUtil.InputFinder.bits(expression).asList());
    }
    List<JoinKeyCap> caps = new ArrayList<>();
    for (int s = 0; s < scans.size(); s++) {
      Scan scan = scans.get(s);
      int from = scan.offset();
      int to = from + scan.width();
      int person = query.personColumns().get(s);
      read.add(person);
      List<Integer> readHere = read.subSet(from, to).stream().map(column -> column - from).toList();
      BaseColumn bucket = query.flat().columns().get(person);
      boolean heldByPolicy = bucket.scan() == s && oneRowPerBucket(scan, bucket.name());
      caps.add(
          new JoinKeyCap(
              s,
              List.of(person - from),
              readHere,
              heldByPolicy ? 1 : scan.policy().privacy().maxRowsPerJoinKey(),
              heldByPolicy));
    }
    return caps;
  }

  /**
   * Whether the scan's policy declares one row per unit and {@code bucketColumn}, a column of that
   * scan in the plan's lineage, is its PRIVACY_UNIT column. Decided from the policy alone, never
   * from the data.
   */
  private static boolean oneRowPerBucket(Scan scan, String bucketColumn) {
    return scan.policy() != null
        && scan.policy().oneRowPerUnit()
        && scan.policy()
            .privacyUnitColumn()
            .map(unit -> unit.name().equals(bucketColumn))
            .orElse(false);
  }
}
