package dev.cleanroom.querypolicy.rewrite;

import dev.cleanroom.querypolicy.lineage.BaseColumn;
import dev.cleanroom.querypolicy.lineage.CheckedQuery;
import dev.cleanroom.querypolicy.lineage.Measure;
import dev.cleanroom.querypolicy.lineage.Scan;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.OrderKey;
import dev.cleanroom.querypolicy.release.QueryPrivacyParameters;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.tools.RelBuilder;

/**
 * Turns a checked query into its {@link PrivateQuery}: consent filters, per-unit pre-aggregation,
 * clamping, keyed choice of each unit's groups, and the exact per-group aggregates.
 */
public final class PrivateRewriter {
  private static final ContributionKey DISPLAY_KEY = ContributionKey.of(new byte[16]);

  private PrivateRewriter() {}

  /** Rewrites a checked query; the key only ever reaches {@link PrivateQuery#plan()}. */
  public static PrivateQuery rewrite(
      CheckedQuery query, RelOptCluster cluster, ContributionKey key) {
    QueryPrivacyParameters parameters = strictestParameters(query.flat().scans());
    int maxContributions = maxContributionsPerGroup(query.flat().scans());
    List<RexNode> arguments = new ArrayList<>();
    List<Partial> partials = new ArrayList<>();
    List<List<Integer>> partialsOfMeasure = new ArrayList<>();
    BigDecimal countUpper = BigDecimal.valueOf(maxContributions);
    for (Measure measure : query.measures()) {
      List<Integer> indexes = new ArrayList<>();
      switch (measure.kind()) {
        case COUNT_ROWS -> {
          indexes.add(partials.size());
          partials.add(new Partial(Partial.Kind.COUNT_ROWS, -1, BigDecimal.ZERO, countUpper));
        }
        case COUNT_VALUES -> {
          arguments.add(measure.argument());
          indexes.add(partials.size());
          partials.add(
              new Partial(
                  Partial.Kind.COUNT_VALUES, arguments.size() - 1, BigDecimal.ZERO, countUpper));
        }
        case SUM, AVG -> {
          arguments.add(measure.argument());
          int argument = arguments.size() - 1;
          indexes.add(partials.size());
          partials.add(
              new Partial(
                  Partial.Kind.SUM, argument, measure.bounds().lower(), measure.bounds().upper()));
          if (measure.kind() == Measure.Kind.AVG) {
            indexes.add(partials.size());
            partials.add(
                new Partial(Partial.Kind.COUNT_VALUES, argument, BigDecimal.ZERO, countUpper));
          }
        }
        case DISTINCT_UNITS -> {}
      }
      partialsOfMeasure.add(indexes);
    }
    RelNode plan = build(query, arguments, partials, parameters, cluster, key);
    RelNode displayPlan = build(query, arguments, partials, parameters, cluster, DISPLAY_KEY);
    String planText = RelOptUtil.toString(displayPlan, SqlExplainLevel.EXPPLAN_ATTRIBUTES);
    ReleaseSpec spec = releaseSpec(query, partialsOfMeasure, partials, parameters, countUpper);
    List<OrderKey> order = new ArrayList<>();
    for (RelFieldCollation collation : query.flat().order()) {
      order.add(new OrderKey(collation.getFieldIndex(), collation.getDirection().isDescending()));
    }
    OptionalInt limit =
        query.flat().limit() == null ? OptionalInt.empty() : OptionalInt.of(query.flat().limit());
    List<TableName> tables =
        new ArrayList<>(new TreeSet<>(query.flat().scans().stream().map(Scan::table).toList()));
    return new PrivateQuery(
        plan,
        spec,
        order,
        limit,
        tables,
        digest(planText, spec, order, limit),
        explanation(query, parameters, maxContributions),
        planText,
        rowsPerJoinKey(query));
  }

  private static RelNode build(
      CheckedQuery query,
      List<RexNode> arguments,
      List<Partial> partials,
      QueryPrivacyParameters parameters,
      RelOptCluster cluster,
      ContributionKey key) {
    Scan first = query.flat().scans().get(0);
    // No simplifier: it would fold the clamp into a SEARCH (outside the private-plan contract) and
    // treats comparisons as if NaN were ordered, which the clamp relies on it not to be.
    RelBuilder builder =
        RelBuilder.proto(Contexts.of(RelBuilder.Config.DEFAULT.withSimplify(false)))
            .create(cluster, first.relOptTable().getRelOptSchema());
    List<RelDataType> baseTypes = query.flat().columns().stream().map(BaseColumn::type).toList();
    int groups = query.groupKeys().size();
    int unitColumn = query.unitColumn();
    List<RexNode> groupKeys = query.groupKeys();
    List<RexNode> rowArguments = arguments;
    if (query.perPerson() != null && query.perPerson().leftJoin() != null) {
      PerPersonSteps.leftJoinPerPersonRows(builder, query, baseTypes, key);
      groupKeys = PerPersonSteps.onJoinedRows(query, groupKeys);
      rowArguments = PerPersonSteps.onJoinedRows(query, arguments);
      RewriteSteps.filterRows(
          builder,
          unitColumn,
          PerPersonSteps.onJoinedRows(query, query.perPerson().leftJoin().outerFilters()));
    } else {
      RewriteSteps.joinOnKeys(
          builder, query.flat().scans(), query.keyPairs(), baseTypes, JoinKeyCap.of(query), key);
      RewriteSteps.filterRows(builder, query.unitColumn(), query.filters());
      if (query.perPerson() != null) {
        PerPersonSteps.aggregatePerPerson(builder, query.unitColumn(), query.perPerson());
        unitColumn = query.perPerson().unitField();
      }
    }
    RewriteSteps.projectUnitGroupsAndArguments(builder, unitColumn, groupKeys, rowArguments);
    RewriteSteps.aggregatePerUnitAndGroup(builder, groups, partials);
    RewriteSteps.clampContributions(builder, groups, partials);
    RewriteSteps.rankGroupsPerUnit(builder, groups, key);
    RewriteSteps.keepTopGroups(builder, parameters.maxGroupsContributed());
    RewriteSteps.aggregatePerGroup(builder, groups, partials.size());
    return builder.build();
  }

  private static ReleaseSpec releaseSpec(
      CheckedQuery query,
      List<List<Integer>> partialsOfMeasure,
      List<Partial> partials,
      QueryPrivacyParameters parameters,
      BigDecimal countUpper) {
    int groups = query.groupKeys().size();
    int distinctUnitsField = groups + partials.size();
    List<ReleaseColumn> columns = new ArrayList<>();
    for (CheckedQuery.Output output : query.outputs()) {
      if (output.groupKey()) {
        columns.add(
            new ReleaseColumn(output.name(), ColumnRole.GROUP_KEY, output.index(), -1, null, null));
        continue;
      }
      Measure measure = query.measures().get(output.index());
      List<Integer> fields = partialsOfMeasure.get(output.index());
      columns.add(
          switch (measure.kind()) {
            case COUNT_ROWS, COUNT_VALUES ->
                new ReleaseColumn(
                    output.name(),
                    ColumnRole.COUNT,
                    groups + fields.get(0),
                    -1,
                    BigDecimal.ZERO,
                    countUpper);
            case SUM ->
                new ReleaseColumn(
                    output.name(),
                    ColumnRole.SUM,
                    groups + fields.get(0),
                    -1,
                    measure.bounds().lower(),
                    measure.bounds().upper(),
                    null,
                    sumUnit(measure));
            case AVG ->
                new ReleaseColumn(
                    output.name(),
                    ColumnRole.AVG,
                    groups + fields.get(0),
                    groups + fields.get(1),
                    measure.bounds().lower(),
                    measure.bounds().upper(),
                    countUpper,
                    sumUnit(measure));
            case DISTINCT_UNITS ->
                new ReleaseColumn(
                    output.name(),
                    ColumnRole.DISTINCT_UNITS,
                    distinctUnitsField,
                    -1,
                    BigDecimal.ZERO,
                    BigDecimal.ONE);
          });
    }
    return new ReleaseSpec(columns, distinctUnitsField, parameters);
  }

  private static List<PrivateQuery.RowsPerJoinKey> rowsPerJoinKey(CheckedQuery query) {
    List<PrivateQuery.RowsPerJoinKey> caps = new ArrayList<>();
    for (JoinKeyCap cap : JoinKeyCap.of(query)) {
      Scan scan = query.flat().scans().get(cap.scan());
      List<String> columns =
          cap.partitionColumns().stream()
              .map(c -> query.flat().columns().get(scan.offset() + c).name())
              .toList();
      caps.add(new PrivateQuery.RowsPerJoinKey(scan.table(), columns, cap.maxRows()));
    }
    return caps;
  }

  /** The fixed-point unit the plan counts a measure's per-person sums in. */
  private static BigDecimal sumUnit(Measure measure) {
    return FixedPoint.unit(
        FixedPoint.unitExponent(measure.bounds().lower(), measure.bounds().upper()));
  }

  /** The strictest parameters over the tables read: min epsilon and delta, max k, min groups. */
  static QueryPrivacyParameters strictestParameters(List<Scan> scans) {
    BigDecimal epsilon = null;
    double delta = 1;
    int minimumDistinctUnits = 2;
    int maxGroups = Integer.MAX_VALUE;
    boolean releaseRemainder = true;
    for (Scan scan : scans) {
      DatasetPolicy policy = scan.policy();
      BigDecimal tableEpsilon = policy.privacy().epsilonPerQuery();
      epsilon = epsilon == null || tableEpsilon.compareTo(epsilon) < 0 ? tableEpsilon : epsilon;
      delta = Math.min(delta, policy.privacy().delta());
      minimumDistinctUnits = Math.max(minimumDistinctUnits, policy.minimumDistinctUnits());
      maxGroups = Math.min(maxGroups, policy.privacy().maxGroupsContributed());
      releaseRemainder &= policy.privacy().releaseRemainder();
    }
    return new QueryPrivacyParameters(
        epsilon, delta, minimumDistinctUnits, maxGroups, releaseRemainder);
  }

  private static int maxContributionsPerGroup(List<Scan> scans) {
    return scans.stream()
        .mapToInt(s -> s.policy().privacy().maxContributionsPerGroup())
        .min()
        .orElseThrow();
  }

  private static String explanation(
      CheckedQuery query, QueryPrivacyParameters parameters, int maxContributions) {
    StringBuilder text = new StringBuilder();
    for (Scan scan : query.flat().scans()) {
      text.append("Reads ").append(scan.table());
      scan.policy()
          .consentColumn()
          .ifPresent(
              c ->
                  text.append(", without the rows whose ")
                      .append(c.name())
                      .append(" is TRUE or NULL"));
      text.append(".\n");
    }
    for (PrivateQuery.RowsPerJoinKey cap : rowsPerJoinKey(query)) {
      text.append("Before the join, at most ")
          .append(cap.maxRows())
          .append(" row(s) of ")
          .append(cap.table())
          .append(" per value of (")
          .append(
              String.join(", ", cap.columns().stream().map(c -> cap.table().qualify(c)).toList()))
          .append(") take part, chosen by a keyed hash the analyst cannot influence.\n");
    }
    for (CheckedQuery.KeyPair pair : query.keyPairs()) {
      text.append("Joins on ")
          .append(query.flat().columns().get(pair.left()).qualifiedName())
          .append(" = ")
          .append(query.flat().columns().get(pair.right()).qualifiedName())
          .append(".\n");
    }
    if (query.perPerson() != null && query.perPerson().leftJoin() != null) {
      text.append("Each row of ")
          .append(query.flat().columns().get(query.perPerson().leftJoin().tableKey()).table())
          .append(" meets at most one row of the per-person sub-query (LEFT JOIN on ")
          .append(
              query.flat().columns().get(query.perPerson().leftJoin().tableKey()).qualifiedName())
          .append("); for people without one, its values are NULL.\n");
    }
    if (query.perPerson() != null) {
      // After a LEFT JOIN the sub-query's person is named by its own table's key.
      int person =
          query.perPerson().leftJoin() == null
              ? query.unitColumn()
              : query.personColumns().get(query.personColumns().size() - 1);
      text.append("The sub-query's aggregates are computed per person (")
          .append(query.flat().columns().get(person).qualifiedName())
          .append(") and per sub-query group; its HAVING and the outer WHERE keep or drop a")
          .append(" person's rows by that person's own values.\n");
    }
    text.append("Each person is identified by ")
        .append(query.flat().columns().get(query.unitColumn()).qualifiedName())
        .append("; a person counts in at most ")
        .append(parameters.maxGroupsContributed())
        .append(" group(s), chosen by a keyed hash the analyst cannot influence.\n");
    for (Measure measure : query.measures()) {
      switch (measure.kind()) {
        case SUM, AVG ->
            text.append("Each person's total of ")
                .append(measure.metric())
                .append(" per group is clamped to [")
                .append(measure.bounds().lower().toPlainString())
                .append(", ")
                .append(measure.bounds().upper().toPlainString())
                .append("].\n");
        case COUNT_ROWS, COUNT_VALUES ->
            text.append("Each person adds at most ")
                .append(maxContributions)
                .append(" to a count per group.\n");
        case DISTINCT_UNITS ->
            text.append("Each person adds 1 to the number of people per group.\n");
      }
    }
    text.append("Groups with fewer than ")
        .append(parameters.minimumDistinctUnits())
        .append(" people are never released; every released number gets noise (epsilon ")
        .append(parameters.epsilon().toPlainString())
        .append(", delta ")
        .append(parameters.delta())
        .append(").\n");
    if (!query.flat().order().isEmpty() || query.flat().limit() != null) {
      text.append("ORDER BY and LIMIT apply to the released, noised rows.\n");
    }
    return text.toString();
  }

  private static String digest(
      String planText, ReleaseSpec spec, List<OrderKey> order, OptionalInt limit) {
    StringBuilder canonical = new StringBuilder(planText);
    for (ReleaseColumn column : spec.columns()) {
      canonical
          .append('|')
          .append(column.role())
          .append(':')
          .append(column.valueField())
          .append(':')
          .append(column.countField());
    }
    canonical.append("|order=").append(order).append("|limit=").append(limit);
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha256.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
