package dev.cleanroom.querypolicy.rewrite;

import dev.cleanroom.querypolicy.lineage.BaseColumn;
import dev.cleanroom.querypolicy.lineage.CheckedQuery;
import dev.cleanroom.querypolicy.lineage.PerPersonRows;
import dev.cleanroom.querypolicy.lineage.Scan;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The per-person stage of the private rewrite, between the row filters and the outer block: each
 * person's rows become one row per inner group (the analyst's inner keys and the query's unit),
 * with the inner aggregates, and the per-person filters keep or drop such rows. Field layout after
 * it: the inner keys, the inner aggregates, then the unit.
 */
final class PerPersonSteps {
  /** The largest DOUBLE below 2^63: an integer sum saturates there, within BIGINT. */
  private static final BigDecimal BIGINT_SATURATION = new BigDecimal(Math.nextDown(0x1p63));

  private PerPersonSteps() {}

  /** Aggregates the filtered base rows per person and inner group, then filters those rows. */
  static void aggregatePerPerson(RelBuilder builder, int unitColumn, PerPersonRows rows) {
    int keys = rows.groupKeys().size();
    RexBuilder rex = builder.getRexBuilder();
    List<RexNode> fields = new ArrayList<>(rows.groupKeys());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      names.add("k" + i);
    }
    fields.add(builder.field(unitColumn));
    names.add(RewriteSteps.UNIT);
    int distinctField = -1;
    List<Integer> argumentField = new ArrayList<>();
    for (PerPersonRows.Aggregate aggregate : rows.aggregates()) {
      if (aggregate.argument() == null) {
        argumentField.add(-1);
        continue;
      }
      RexNode argument =
          aggregate.kind() == PerPersonRows.Kind.SUM
              ? toDouble(rex, aggregate.argument())
              : aggregate.argument();
      if (aggregate.kind() == PerPersonRows.Kind.COUNT_DISTINCT && distinctField >= 0) {
        argumentField.add(distinctField);
        continue;
      }
      argumentField.add(fields.size());
      if (aggregate.kind() == PerPersonRows.Kind.COUNT_DISTINCT) {
        distinctField = fields.size();
      }
      fields.add(argument);
      names.add("v" + fields.size());
    }
    builder.project(fields, names, true);
    int[] personKeys = range(keys + 1);
    if (distinctField < 0) {
      List<RelBuilder.AggCall> calls = new ArrayList<>();
      for (int i = 0; i < rows.aggregates().size(); i++) {
        calls.add(call(builder, rows.aggregates().get(i).kind(), argumentField.get(i), "a" + i));
      }
      builder.aggregate(builder.groupKey(personKeys), calls);
    } else {
      // COUNT(DISTINCT x) per person: first one row per (person, inner group, x) with the other
      // aggregates' partials, then per (person, inner group) counting x and merging the partials.
      List<RelBuilder.AggCall> partials = new ArrayList<>();
      List<Integer> partialIndex = new ArrayList<>();
      for (int i = 0; i < rows.aggregates().size(); i++) {
        PerPersonRows.Kind kind = rows.aggregates().get(i).kind();
        if (kind == PerPersonRows.Kind.COUNT_DISTINCT) {
          partialIndex.add(-1);
        } else {
          partialIndex.add(partials.size());
          partials.add(call(builder, kind, argumentField.get(i), "p" + i));
        }
      }
      int[] withValue = new int[keys + 2];
      System.arraycopy(personKeys, 0, withValue, 0, keys + 1);
      withValue[keys + 1] = distinctField;
      builder.aggregate(builder.groupKey(withValue), partials);
      List<RelBuilder.AggCall> merged = new ArrayList<>();
      for (int i = 0; i < rows.aggregates().size(); i++) {
        PerPersonRows.Kind kind = rows.aggregates().get(i).kind();
        String name = "a" + i;
        merged.add(
            switch (kind) {
              case COUNT_DISTINCT -> builder.count(false, name, builder.field(keys + 1));
              case COUNT_ROWS, COUNT_VALUES ->
                  builder
                      .aggregateCall(
                          SqlStdOperatorTable.SUM0, builder.field(keys + 2 + partialIndex.get(i)))
                      .as(name);
              case SUM -> builder.sum(false, name, builder.field(keys + 2 + partialIndex.get(i)));
              case MIN -> builder.min(name, builder.field(keys + 2 + partialIndex.get(i)));
              case MAX -> builder.max(name, builder.field(keys + 2 + partialIndex.get(i)));
            });
      }
      builder.aggregate(builder.groupKey(personKeys), merged);
    }
    // Now: inner keys, unit, aggregates. Reorder to the analyst's per-person row, unit last, with
    // each field of the type the outer block's expressions expect.
    RelNode aggregated = builder.build();
    List<RexNode> row = new ArrayList<>();
    List<String> rowNames = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      row.add(typed(rex, rex.makeInputRef(aggregated, i), rows.types().get(i)));
      rowNames.add("k" + i);
    }
    for (int i = 0; i < rows.aggregates().size(); i++) {
      row.add(typed(rex, rex.makeInputRef(aggregated, keys + 1 + i), rows.types().get(keys + i)));
      rowNames.add("a" + i);
    }
    row.add(rex.makeInputRef(aggregated, keys));
    rowNames.add(RewriteSteps.UNIT);
    // Not builder.project: its simplifier would fold the saturation into a SEARCH.
    builder.push(LogicalProject.create(aggregated, List.of(), row, rowNames, Set.of()));
    if (!rows.filters().isEmpty()) {
      RexNode condition = RexUtil.composeConjunction(rex, rows.filters());
      builder.push(LogicalFilter.create(builder.build(), condition));
    }
  }

  /**
   * {@code unitTable LEFT JOIN (per-person rows)}: the unit's own table (alone, or inner-joined as
   * any join: consent, rows per join key, its filters), joined on its key with the other table's
   * per-person rows (consent, the sub-query's filters, the per-person aggregate, its HAVING). Each
   * left row meets at most one per-person row, since those are grouped by that key alone. Field
   * layout after it: the left side's columns, then the per-person row (its unit last).
   */
  static void leftJoinPerPersonRows(
      RelBuilder builder, CheckedQuery query, List<RelDataType> baseTypes, ContributionKey key) {
    List<Scan> scans = query.flat().scans();
    List<Scan> left = scans.subList(0, scans.size() - 1);
    Scan other = scans.get(scans.size() - 1);
    PerPersonRows rows = query.perPerson();
    RexBuilder rex = builder.getRexBuilder();
    List<RexNode> tableFilters = new ArrayList<>();
    List<RexNode> otherFilters = new ArrayList<>();
    for (RexNode filter : query.filters()) {
      // A filter below the join reads one side only (the other is not in its scope).
      ImmutableBitSet read = RelOptUtil.InputFinder.bits(filter);
      if (read.isEmpty() || read.nextSetBit(0) < other.offset()) {
        tableFilters.add(filter);
      } else {
        otherFilters.add(RexUtil.shift(filter, -other.offset()));
      }
    }
    RewriteSteps.joinOnKeys(builder, left, query.keyPairs(), baseTypes, JoinKeyCap.of(query), key);
    if (!tableFilters.isEmpty()) {
      RexNode condition = RexUtil.composeConjunction(rex, tableFilters);
      builder.push(LogicalFilter.create(builder.build(), condition));
    }
    RewriteSteps.scanWithConsent(builder, other);
    int otherUnit = query.personColumns().get(scans.size() - 1) - other.offset();
    RewriteSteps.filterRows(builder, otherUnit, otherFilters);
    List<RexNode> keys =
        rows.groupKeys().stream().map(k -> RexUtil.shift(k, -other.offset())).toList();
    List<PerPersonRows.Aggregate> aggregates =
        rows.aggregates().stream()
            .map(
                a ->
                    new PerPersonRows.Aggregate(
                        a.kind(),
                        a.argument() == null ? null : RexUtil.shift(a.argument(), -other.offset())))
            .toList();
    aggregatePerPerson(
        builder, otherUnit, new PerPersonRows(keys, aggregates, rows.filters(), rows.types()));
    RexNode tableKey = builder.field(2, 0, rows.leftJoin().tableKey());
    RexNode personKey = builder.field(2, 1, 0);
    builder.join(JoinRelType.LEFT, builder.equals(tableKey, personKey));
  }

  /**
   * The outer block's expressions on the rows {@link #leftJoinPerPersonRows} leaves: per-person
   * field {@code i}, read at {@code offset + i}, follows the left side's columns.
   */
  static List<RexNode> onJoinedRows(CheckedQuery query, List<RexNode> expressions) {
    int offset = query.perPerson().leftJoin().offset();
    List<Scan> scans = query.flat().scans();
    int tableWidth = scans.get(scans.size() - 1).offset();
    RexShuttle shuttle =
        new RexShuttle() {
          @Override
          public RexNode visitInputRef(RexInputRef ref) {
            if (ref.getIndex() >= offset) {
              return new RexInputRef(ref.getIndex() - offset + tableWidth, ref.getType());
            }
            if (ref.getIndex() < tableWidth) {
              return ref;
            }
            throw new IllegalStateException("the outer block reads the sub-query's base rows");
          }
        };
    return expressions.stream().map(e -> e.accept(shuttle)).toList();
  }

  /**
   * How the privacy report names input {@code i} of the outer block's expressions: a base column,
   * or for a per-person query the sub-query's key or aggregate that per-person field holds.
   */
  static IntFunction<String> inputNames(CheckedQuery query) {
    List<BaseColumn> base = query.flat().columns();
    PerPersonRows rows = query.perPerson();
    if (rows == null) {
      return i -> base.get(i).qualifiedName();
    }
    IntFunction<String> field =
        i -> {
          if (i < rows.groupKeys().size()) {
            return ExpressionText.of(rows.groupKeys().get(i), base);
          }
          PerPersonRows.Aggregate aggregate = rows.aggregates().get(i - rows.groupKeys().size());
          String argument =
              aggregate.argument() == null ? "*" : ExpressionText.of(aggregate.argument(), base);
          return switch (aggregate.kind()) {
            case COUNT_ROWS, COUNT_VALUES -> "COUNT(" + argument + ")";
            case COUNT_DISTINCT -> "COUNT(DISTINCT " + argument + ")";
            case SUM -> "SUM(" + argument + ")";
            case MIN -> "MIN(" + argument + ")";
            case MAX -> "MAX(" + argument + ")";
          };
        };
    int offset = rows.leftJoin() == null ? 0 : rows.leftJoin().offset();
    return i -> i < offset ? base.get(i).qualifiedName() : field.apply(i - offset);
  }

  private static RelBuilder.AggCall call(
      RelBuilder builder, PerPersonRows.Kind kind, int field, String name) {
    return switch (kind) {
      case COUNT_ROWS -> builder.countStar(name);
      case COUNT_VALUES, COUNT_DISTINCT -> builder.count(false, name, builder.field(field));
      case SUM -> builder.sum(false, name, builder.field(field));
      case MIN -> builder.min(name, builder.field(field));
      case MAX -> builder.max(name, builder.field(field));
    };
  }

  /**
   * A per-person value as the type the analyst's plan gave it. Sums run in DOUBLE (so that they can
   * neither fail nor wrap on the data); an integer sum goes back to its integer type saturated at
   * the type's range, where SQL would fail.
   */
  private static RexNode typed(RexBuilder rex, RexNode value, RelDataType expected) {
    RelDataType actual = value.getType();
    if (actual.equals(expected)) {
      return value;
    }
    if (SqlTypeUtil.isIntType(expected) && actual.getSqlTypeName() == SqlTypeName.DOUBLE) {
      BigDecimal max =
          expected.getSqlTypeName() == SqlTypeName.BIGINT
              ? BIGINT_SATURATION
              : BigDecimal.valueOf(maxOf(expected.getSqlTypeName()));
      RelDataType doubleType = rex.getTypeFactory().createSqlType(SqlTypeName.DOUBLE);
      RexNode upper = rex.makeApproxLiteral(max, doubleType);
      RexNode lower = rex.makeApproxLiteral(max.negate(), doubleType);
      RexNode saturated =
          rex.makeCall(
              SqlStdOperatorTable.CASE,
              rex.makeCall(SqlStdOperatorTable.GREATER_THAN, value, upper),
              upper,
              rex.makeCall(SqlStdOperatorTable.LESS_THAN, value, lower),
              lower,
              value);
      return rex.makeCast(expected, saturated, true, false);
    }
    if (SqlTypeUtil.isApproximateNumeric(expected)
        && actual.getSqlTypeName() == SqlTypeName.DOUBLE) {
      return rex.makeCast(expected, value, true, false);
    }
    if (SqlTypeUtil.equalSansNullability(rex.getTypeFactory(), actual, expected)
        && expected.isNullable()) {
      return rex.makeCast(expected, value, true, false);
    }
    throw new IllegalStateException(
        "a per-person value is "
            + actual.getFullTypeString()
            + ", not "
            + expected.getFullTypeString());
  }

  private static long maxOf(SqlTypeName type) {
    return switch (type) {
      case TINYINT -> Byte.MAX_VALUE;
      case SMALLINT -> Short.MAX_VALUE;
      default -> Integer.MAX_VALUE;
    };
  }

  private static RexNode toDouble(RexBuilder rex, RexNode argument) {
    if (argument.getType().getSqlTypeName() == SqlTypeName.DOUBLE) {
      return argument;
    }
    RelDataType doubleType =
        rex.getTypeFactory()
            .createTypeWithNullability(
                rex.getTypeFactory().createSqlType(SqlTypeName.DOUBLE),
                argument.getType().isNullable());
    return rex.makeCast(doubleType, argument);
  }

  private static int[] range(int count) {
    int[] indexes = new int[count];
    for (int i = 0; i < count; i++) {
      indexes[i] = i;
    }
    return indexes;
  }
}
