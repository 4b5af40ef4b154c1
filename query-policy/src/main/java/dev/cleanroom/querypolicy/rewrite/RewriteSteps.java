package dev.cleanroom.querypolicy.rewrite;

import dev.cleanroom.querypolicy.lineage.CheckedQuery;
import dev.cleanroom.querypolicy.lineage.Scan;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexWindowBounds;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The steps of the private rewrite, each a small transformation of the plan on top of a {@link
 * RelBuilder}'s stack. Field layout between steps: {@code unit, g0..gn-1, partials...}.
 */
final class RewriteSteps {
  static final String UNIT = "unit";
  static final String RANK = "contribution_rank";
  static final String JOIN_KEY_RANK = "join_key_rank";
  static final String DISTINCT_UNITS = "distinct_units";

  private RewriteSteps() {}

  /**
   * Scans a table and removes rows without consent before anything else: those whose opt-out column
   * is TRUE or NULL, and, for a query of a purpose the table records consent for, those whose
   * column of that purpose is FALSE or NULL.
   */
  static void scanWithConsent(RelBuilder builder, Scan scan) {
    builder.push(LogicalTableScan.create(builder.getCluster(), scan.relOptTable(), List.of()));
    Optional<ColumnPolicy> consent = scan.policy().consentColumn();
    if (consent.isPresent()) {
      String column = fieldName(builder, consent.get().name());
      // In a filter NOT(c) keeps exactly the rows where c IS FALSE (NULL and TRUE both drop).
      builder.filter(builder.not(builder.field(column)));
    }
    if (scan.policy().requiresPurpose()) {
      // The lineage check refused a query without one of the table's purposes; fail closed.
      ColumnPolicy purposeColumn =
          scan.policy()
              .consentColumnFor(scan.purpose())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          scan.table() + " read without a purpose it records consent for"));
      // A filter keeps exactly the rows where its condition IS TRUE (NULL and FALSE drop).
      builder.filter(builder.field(fieldName(builder, purposeColumn.name())));
    }
  }

  /**
   * Keeps at most {@code maxRows} rows per join key and person of one scan, ranked by a keyed hash
   * of what the query reads of them, so one person brings a bounded number of rows into the join. A
   * cap the scan's policy already holds (one row per unit, by the unit) adds nothing to the plan.
   */
  static void capRowsPerJoinKey(RelBuilder builder, JoinKeyCap cap, ContributionKey key) {
    if (cap.heldByPolicy()) {
      return;
    }
    int width = builder.peek().getRowType().getFieldCount();
    List<Integer> hashed = new ArrayList<>(cap.partitionColumns());
    cap.readColumns().stream().filter(c -> !hashed.contains(c)).forEach(hashed::add);
    List<RexNode> hashArguments = new ArrayList<>();
    hashArguments.add(builder.literal(key.first()));
    hashArguments.add(builder.literal(key.second()));
    // The hash takes at most 1 + MAX_GROUP_KEYS values; the read columns break any tie after it.
    int hashedCount = Math.min(hashed.size(), 1 + ContributionOrder.MAX_GROUP_KEYS);
    hashed.subList(0, hashedCount).forEach(c -> hashArguments.add(builder.field(c)));
    List<RexNode> orderKeys = new ArrayList<>();
    orderKeys.add(builder.call(ContributionOrder.function(hashedCount - 1), hashArguments));
    // Ties after the hash: by what the query reads, less the partition's own (constant) columns.
    cap.readColumns().stream()
        .filter(c -> !cap.partitionColumns().contains(c))
        .forEach(c -> orderKeys.add(builder.field(c)));
    RexNode rank =
        builder
            .aggregateCall(SqlStdOperatorTable.ROW_NUMBER)
            .over()
            .partitionBy(cap.partitionColumns().stream().map(builder::field).toList())
            .orderBy(orderKeys)
            .rowsTo(RexWindowBounds.CURRENT_ROW)
            .as(JOIN_KEY_RANK);
    builder.projectPlus(rank);
    builder.filter(builder.lessThanOrEqual(builder.field(width), builder.literal(cap.maxRows())));
    builder.project(builder.fields(ImmutableBitSet.range(0, width)));
  }

  /**
   * Joins the scans left-deep, each on the declared key pairs that link it to earlier scans, each
   * capped to its rows per join key and person first (when there are caps: a join).
   */
  static void joinOnKeys(
      RelBuilder builder,
      List<Scan> scans,
      List<CheckedQuery.KeyPair> keyPairs,
      List<RelDataType> baseTypes,
      List<JoinKeyCap> caps,
      ContributionKey key) {
    scanWithConsent(builder, scans.get(0));
    if (!caps.isEmpty()) {
      capRowsPerJoinKey(builder, caps.get(0), key);
    }
    for (int i = 1; i < scans.size(); i++) {
      Scan scan = scans.get(i);
      scanWithConsent(builder, scan);
      if (!caps.isEmpty()) {
        capRowsPerJoinKey(builder, caps.get(i), key);
      }
      int end = scan.offset() + scan.width();
      List<RexNode> equalities = new ArrayList<>();
      RexBuilder rex = builder.getRexBuilder();
      for (CheckedQuery.KeyPair pair : keyPairs) {
        int high = Math.max(pair.left(), pair.right());
        if (high >= scan.offset() && high < end) {
          equalities.add(
              rex.makeCall(
                  SqlStdOperatorTable.EQUALS,
                  rex.makeInputRef(baseTypes.get(pair.left()), pair.left()),
                  rex.makeInputRef(baseTypes.get(pair.right()), pair.right())));
        }
      }
      if (equalities.isEmpty()) {
        // The canonical order joins each table on a key; a cross product is never planned.
        throw new IllegalStateException(scan.table() + " would join without a key");
      }
      builder.join(JoinRelType.INNER, equalities);
    }
  }

  /**
   * Keeps the rows that have a privacy unit and pass the analyst's filters (on dimensions only, by
   * then): a row without a unit cannot be attributed to a person, so it cannot be bounded.
   */
  static void filterRows(RelBuilder builder, int unitColumn, List<RexNode> filters) {
    filterRows(builder, unitColumn, filters, false);
  }

  /**
   * As {@link #filterRows(RelBuilder, int, List)}; with {@code everyRowHasAUnit} (a table whose
   * policy declares one row per unit: its uploads and the policy's approval refuse a row without
   * one) the unit is not tested, and without filters nothing is added.
   */
  static void filterRows(
      RelBuilder builder, int unitColumn, List<RexNode> filters, boolean everyRowHasAUnit) {
    List<RexNode> conditions = new ArrayList<>();
    if (!everyRowHasAUnit) {
      conditions.add(builder.isNotNull(builder.field(unitColumn)));
    }
    conditions.addAll(filters);
    if (conditions.isEmpty()) {
      return;
    }
    // Not builder.filter: it may rewrite the condition into other operators than the private-plan
    // contract's; the analyser has already refused contradictions.
    RexNode condition = RexUtil.composeConjunction(builder.getRexBuilder(), conditions);
    builder.push(LogicalFilter.create(builder.build(), condition));
  }

  /** Keeps only the unit, the group keys and the aggregate arguments. */
  static void projectUnitGroupsAndArguments(
      RelBuilder builder, int unitColumn, List<RexNode> groupKeys, List<RexNode> arguments) {
    List<RexNode> fields = new ArrayList<>();
    List<String> names = new ArrayList<>();
    fields.add(builder.field(unitColumn));
    names.add(UNIT);
    for (int i = 0; i < groupKeys.size(); i++) {
      fields.add(groupKeys.get(i));
      names.add("g" + i);
    }
    for (int i = 0; i < arguments.size(); i++) {
      fields.add(widenForSum(builder.getRexBuilder(), arguments.get(i)));
      names.add("x" + i);
    }
    builder.project(fields, names, true);
  }

  /** Aggregates per unit and group: each unit's sum or count per group, before clamping. */
  static void aggregatePerUnitAndGroup(RelBuilder builder, int groupCount, List<Partial> partials) {
    int arguments = 1 + groupCount;
    List<RelBuilder.AggCall> calls = new ArrayList<>();
    for (int i = 0; i < partials.size(); i++) {
      Partial partial = partials.get(i);
      calls.add(
          switch (partial.kind()) {
            case COUNT_ROWS -> builder.countStar("p" + i);
            case COUNT_VALUES ->
                builder.count(false, "p" + i, builder.field(arguments + partial.argument()));
            case SUM, CENTERED_SUM, CENTERED_SQUARE, BUCKET ->
                builder.sum(false, "p" + i, builder.field(arguments + partial.argument()));
          });
    }
    builder.aggregate(builder.groupKey(range(0, 1 + groupCount)), calls);
  }

  /**
   * Each row's partials, for a table with at most one row per unit (its policy declares it and its
   * uploads enforce it): each row is then its unit's only (unit, group), so the per-unit aggregate
   * is the identity and this projection computes what it would, with the same types: a row counts
   * 1, a value counts 1 unless NULL, and a sum is the value itself (NULL when NULL, as SQL's SUM of
   * one NULL). The unit's one group is its first by any order, so no rank is needed either.
   */
  static void partialsOfOneRow(RelBuilder builder, int groupCount, List<Partial> partials) {
    int arguments = 1 + groupCount;
    RexBuilder rex = builder.getRexBuilder();
    RelDataType count =
        rex.getTypeFactory()
            .createTypeWithNullability(
                rex.getTypeFactory().createSqlType(SqlTypeName.BIGINT), false);
    List<RexNode> fields = new ArrayList<>(builder.fields(ImmutableBitSet.range(0, arguments)));
    List<String> names =
        new ArrayList<>(builder.peek().getRowType().getFieldNames().subList(0, arguments));
    for (int i = 0; i < partials.size(); i++) {
      Partial partial = partials.get(i);
      RexNode one = rex.makeExactLiteral(BigDecimal.ONE, count);
      fields.add(
          switch (partial.kind()) {
            case COUNT_ROWS -> one;
            case COUNT_VALUES ->
                rex.makeCall(
                    count,
                    SqlStdOperatorTable.CASE,
                    List.of(
                        rex.makeCall(
                            SqlStdOperatorTable.IS_NULL,
                            builder.field(arguments + partial.argument())),
                        rex.makeExactLiteral(BigDecimal.ZERO, count),
                        one));
            case SUM, CENTERED_SUM, CENTERED_SQUARE, BUCKET ->
                builder.field(arguments + partial.argument());
          });
      names.add("p" + i);
    }
    // Not builder.project: the private-plan contract keeps the CASE as written.
    RelNode input = builder.build();
    builder.push(LogicalProject.create(input, List.of(), fields, names, Set.of()));
  }

  /**
   * Clamps each unit's partial per group to its bounds, so one unit moves a group by at most that.
   */
  static void clampContributions(RelBuilder builder, int groupCount, List<Partial> partials) {
    clampContributions(builder, groupCount, partials, false);
  }

  /**
   * As {@link #clampContributions(RelBuilder, int, List)}; with {@code countsOfOneRow} (after
   * {@link #partialsOfOneRow}) a count, which is then 0 or 1, is left as it is when its bounds hold
   * both: the clamp would be the identity, as the bounds alone show.
   */
  static void clampContributions(
      RelBuilder builder, int groupCount, List<Partial> partials, boolean countsOfOneRow) {
    List<RexNode> fields =
        new ArrayList<>(builder.fields(ImmutableBitSet.range(0, 1 + groupCount)));
    RexBuilder rex = builder.getRexBuilder();
    for (int i = 0; i < partials.size(); i++) {
      Partial partial = partials.get(i);
      RexNode value = builder.field(1 + groupCount + i);
      if (partial.kind() == Partial.Kind.BUCKET) {
        fields.add(bucket(builder, value, partial));
        continue;
      }
      if (!partial.fixedPoint()) {
        boolean zeroOrOne =
            countsOfOneRow
                && (partial.kind() == Partial.Kind.COUNT_ROWS
                    || partial.kind() == Partial.Kind.COUNT_VALUES);
        fields.add(
            zeroOrOne
                    && partial.lower().signum() <= 0
                    && partial.upper().compareTo(BigDecimal.ONE) >= 0
                ? value
                : clamp(builder, value, partial.lower(), partial.upper()));
        continue;
      }
      if (partial.kind() != Partial.Kind.SUM) {
        fields.add(centered(builder, value, partial));
        continue;
      }
      // Sums leave as whole units (FixedPoint), between bounds rounded inwards to whole units.
      int exponent = FixedPoint.unitExponent(partial.lower(), partial.upper());
      BigDecimal unit = FixedPoint.unit(exponent);
      BigDecimal lower =
          partial.lower().divide(unit).setScale(0, RoundingMode.CEILING).multiply(unit);
      BigDecimal upper =
          partial.upper().divide(unit).setScale(0, RoundingMode.FLOOR).multiply(unit);
      fields.add(
          FixedPoint.toUnits(rex, clamp(builder, value, lower, upper), exponent, lower, upper));
    }
    // Not builder.project: its simplifier folds the clamp into a SEARCH, outside the private-plan
    // contract, and reasons about NaN as if it were ordered.
    RelNode input = builder.build();
    builder.push(
        LogicalProject.create(
            input, List.of(), fields, input.getRowType().getFieldNames(), Set.of()));
  }

  /**
   * Ranks each unit's groups by the keyed hash of (unit, group), which the analyst cannot steer.
   */
  static void rankGroupsPerUnit(RelBuilder builder, int groupCount, ContributionKey key) {
    List<RexNode> hashArguments = new ArrayList<>();
    hashArguments.add(builder.literal(key.first()));
    hashArguments.add(builder.literal(key.second()));
    hashArguments.addAll(builder.fields(ImmutableBitSet.range(0, 1 + groupCount)));
    List<RexNode> orderKeys = new ArrayList<>();
    orderKeys.add(builder.call(ContributionOrder.function(groupCount), hashArguments));
    // Group keys break the (astronomically unlikely) hash ties, so every engine agrees.
    orderKeys.addAll(builder.fields(ImmutableBitSet.range(1, 1 + groupCount)));
    RexNode rank =
        builder
            .aggregateCall(SqlStdOperatorTable.ROW_NUMBER)
            .over()
            .partitionBy(builder.field(0))
            .orderBy(orderKeys)
            // A whole-partition frame would let an engine compute ROW_NUMBER once per partition.
            .rowsTo(RexWindowBounds.CURRENT_ROW)
            .as(RANK);
    builder.projectPlus(rank);
  }

  /** Keeps each unit's first {@code maxGroupsContributed} groups and drops the rank. */
  static void keepTopGroups(RelBuilder builder, int maxGroupsContributed) {
    int rank = builder.peek().getRowType().getFieldCount() - 1;
    builder.filter(
        builder.lessThanOrEqual(builder.field(rank), builder.literal(maxGroupsContributed)));
    builder.project(builder.fields(ImmutableBitSet.range(0, rank)));
  }

  /** Aggregates per group: the sum of the clamped partials and the exact number of units. */
  static void aggregatePerGroup(RelBuilder builder, int groupCount, int partialCount) {
    List<RelBuilder.AggCall> calls = new ArrayList<>();
    for (int i = 0; i < partialCount; i++) {
      calls.add(builder.sum(false, "a" + i, builder.field(1 + groupCount + i)));
    }
    // After the per-unit aggregate each row is one (unit, group), so counting rows counts units.
    calls.add(builder.countStar(DISTINCT_UNITS));
    builder.aggregate(builder.groupKey(range(1, 1 + groupCount)), calls);
  }

  /**
   * A unit's sum minus the midpoint of its bounds, clamped to half their width {@code h} (which
   * clamps the sum to its bounds), and for {@link Partial.Kind#CENTERED_SQUARE} squared and clamped
   * to {@code [0, h^2]}, in whole fixed-point units between bounds rounded inwards: so one unit
   * moves the group's centred sum by at most {@code h} and its sum of squares by at most {@code
   * h^2}, whatever the DOUBLE rounding of the subtraction and the product.
   */
  private static RexNode centered(RelBuilder builder, RexNode value, Partial partial) {
    RexBuilder rex = builder.getRexBuilder();
    RelDataType doubleType = rex.getTypeFactory().createSqlType(SqlTypeName.DOUBLE);
    RexNode center =
        rex.makeApproxLiteral(
            partial.center(), rex.getTypeFactory().createTypeWithNullability(doubleType, false));
    int exponent = FixedPoint.unitExponent(partial.releasedLower(), partial.releasedUpper());
    BigDecimal unit = FixedPoint.unit(exponent);
    BigDecimal halfWidth = partial.halfWidth();
    if (partial.kind() == Partial.Kind.CENTERED_SQUARE) {
      // The centred value's own bound, as CENTERED_SUM rounds it: it only has to stay in bounds.
      BigDecimal sumUnit = FixedPoint.unit(FixedPoint.unitExponent(halfWidth.negate(), halfWidth));
      halfWidth = halfWidth.divide(sumUnit).setScale(0, RoundingMode.FLOOR).multiply(sumUnit);
    } else {
      halfWidth = halfWidth.divide(unit).setScale(0, RoundingMode.FLOOR).multiply(unit);
    }
    RexNode difference = rex.makeCall(SqlStdOperatorTable.MINUS, value, center);
    RexNode clamped = clamp(builder, difference, halfWidth.negate(), halfWidth);
    if (partial.kind() == Partial.Kind.CENTERED_SQUARE) {
      BigDecimal upper =
          partial.releasedUpper().divide(unit).setScale(0, RoundingMode.FLOOR).multiply(unit);
      clamped =
          clamp(
              builder,
              rex.makeCall(SqlStdOperatorTable.MULTIPLY, clamped, clamped),
              BigDecimal.ZERO,
              upper);
      return FixedPoint.toUnits(rex, clamped, exponent, BigDecimal.ZERO, upper);
    }
    return FixedPoint.toUnits(rex, clamped, exponent, halfWidth.negate(), halfWidth);
  }

  /**
   * 1 when the unit's sum, clamped to the bounds, falls into the partial's slice {@code [edge, next
   * edge)} (the last slice includes the upper bound), 0 otherwise, NULL for a unit without a value:
   * each unit with a value adds 1 to exactly one slice of its group's histogram.
   */
  private static RexNode bucket(RelBuilder builder, RexNode value, Partial partial) {
    RexBuilder rex = builder.getRexBuilder();
    RexNode clamped = clamp(builder, value, partial.lower(), partial.upper());
    RelDataType type = clamped.getType();
    List<RexNode> inSlice = new ArrayList<>();
    if (partial.bucket() > 0) {
      inSlice.add(
          rex.makeCall(
              SqlStdOperatorTable.GREATER_THAN_OR_EQUAL,
              clamped,
              edgeLiteral(rex, partial.bucketEdge(partial.bucket()), type)));
    }
    if (partial.bucket() < partial.buckets() - 1) {
      inSlice.add(
          rex.makeCall(
              SqlStdOperatorTable.LESS_THAN,
              clamped,
              edgeLiteral(rex, partial.bucketEdge(partial.bucket() + 1), type)));
    }
    RelDataType integer = rex.getTypeFactory().createSqlType(SqlTypeName.INTEGER);
    RexNode one = rex.makeExactLiteral(BigDecimal.ONE, integer);
    RexNode zero = rex.makeExactLiteral(BigDecimal.ZERO, integer);
    RexNode condition =
        inSlice.isEmpty()
            ? rex.makeLiteral(true)
            : inSlice.size() == 1 ? inSlice.get(0) : rex.makeCall(SqlStdOperatorTable.AND, inSlice);
    RelDataType nullableInteger = rex.getTypeFactory().createTypeWithNullability(integer, true);
    return rex.makeCall(
        nullableInteger,
        SqlStdOperatorTable.CASE,
        List.of(
            rex.makeCall(SqlStdOperatorTable.IS_NULL, clamped),
            rex.makeNullLiteral(nullableInteger),
            condition,
            one,
            zero));
  }

  /** A slice's edge as a literal of the clamped value's type (DOUBLE: the edges are public). */
  private static RexNode edgeLiteral(RexBuilder rex, BigDecimal edge, RelDataType type) {
    RelDataType notNull = rex.getTypeFactory().createTypeWithNullability(type, false);
    return type.getSqlTypeName() == SqlTypeName.DOUBLE
            || type.getSqlTypeName() == SqlTypeName.FLOAT
            || type.getSqlTypeName() == SqlTypeName.REAL
        ? rex.makeApproxLiteral(edge, notNull)
        : rex.makeExactLiteral(edge, notNull);
  }

  private static RexNode clamp(
      RelBuilder builder, RexNode value, BigDecimal lowerBound, BigDecimal upperBound) {
    RelDataType type = value.getType();
    RexBuilder rex = builder.getRexBuilder();
    RexNode lower = boundLiteral(rex, lowerBound, type, RoundingMode.CEILING);
    RexNode upper = boundLiteral(rex, upperBound, type, RoundingMode.FLOOR);
    // In-bounds first, so a NaN (every comparison false) falls to the lower bound rather than
    // through: a NaN sum would fail the release iff some unit produced it. NULL stays NULL.
    // RexBuilder, not RelBuilder: its simplifier would fold the range into a SEARCH.
    return rex.makeCall(
        SqlStdOperatorTable.CASE,
        rex.makeCall(SqlStdOperatorTable.IS_NULL, value),
        value,
        rex.makeCall(
            SqlStdOperatorTable.AND,
            rex.makeCall(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, value, lower),
            rex.makeCall(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, value, upper)),
        value,
        rex.makeCall(SqlStdOperatorTable.GREATER_THAN, value, upper),
        upper,
        lower);
  }

  /**
   * A bound as a literal of the partial's type; integer partials round inwards, staying in bounds.
   */
  private static RexNode boundLiteral(
      RexBuilder rex, BigDecimal bound, RelDataType type, RoundingMode inwards) {
    RelDataType notNull = rex.getTypeFactory().createTypeWithNullability(type, false);
    BigDecimal value =
        switch (type.getSqlTypeName()) {
          case TINYINT, SMALLINT, INTEGER, BIGINT -> bound.setScale(0, inwards);
          case DECIMAL -> bound.setScale(type.getScale(), inwards);
          default -> bound;
        };
    if (type.getSqlTypeName() == SqlTypeName.DOUBLE
        || type.getSqlTypeName() == SqlTypeName.FLOAT
        || type.getSqlTypeName() == SqlTypeName.REAL) {
      return rex.makeApproxLiteral(value, notNull);
    }
    return rex.makeExactLiteral(value, notNull);
  }

  /**
   * Sums over integers, decimals and floats run in DOUBLE, so a unit's partial can neither fail nor
   * wrap before the clamp: an integer or DECIMAL overflow would tell whether some unit has many
   * rows. Integers below 2^53 still sum exactly, and a sum past the range goes to infinity, which
   * the clamp bounds.
   */
  private static RexNode widenForSum(RexBuilder rex, RexNode argument) {
    RelDataType type = argument.getType();
    SqlTypeName target =
        switch (type.getSqlTypeName()) {
          case TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, REAL, DECIMAL -> SqlTypeName.DOUBLE;
          default -> null;
        };
    if (target == null) {
      return argument;
    }
    RelDataType widened =
        rex.getTypeFactory()
            .createTypeWithNullability(
                rex.getTypeFactory().createSqlType(target), type.isNullable());
    return rex.makeCast(widened, argument);
  }

  private static String fieldName(RelBuilder builder, String lowerCaseName) {
    for (String name : builder.peek().getRowType().getFieldNames()) {
      if (name.equalsIgnoreCase(lowerCaseName)) {
        return name;
      }
    }
    throw new IllegalStateException("column '" + lowerCaseName + "' is not in the scan");
  }

  private static int[] range(int from, int to) {
    int[] indexes = new int[to - from];
    for (int i = from; i < to; i++) {
      indexes[i - from] = i;
    }
    return indexes;
  }
}
