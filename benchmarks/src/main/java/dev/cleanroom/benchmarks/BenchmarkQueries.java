package dev.cleanroom.benchmarks;

import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexWindowBounds;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;
import org.apache.calcite.tools.RelBuilder;

/**
 * The two benchmark queries: as SQL (what the analyst asks, and what DuckDB runs), as the plain
 * Calcite plan, and as the private plan in the rewrite's shape.
 */
final class BenchmarkQueries {
  /** Q1: the campaign-overlap join. */
  static final String Q1_SQL =
      "SELECT c.age_band, i.campaign_id, COUNT(DISTINCT c.customer_id) AS customers,"
          + " SUM(i.cost) AS cost, COUNT(*) FILTER (WHERE i.clicked) AS clicks"
          + " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash"
          + " GROUP BY i.campaign_id, c.age_band";

  /** Q2: one table, scan and aggregate. */
  static final String Q2_SQL =
      "SELECT loyalty_tier, COUNT(*) AS customers, SUM(lifetime_spend) AS spend"
          + " FROM retailer.customers GROUP BY loyalty_tier";

  /** Policy parameters of the private plans (the demo policy's bounds). */
  static final int MAX_GROUPS_CONTRIBUTED = 4;

  static final double COST_UPPER = 100.0;
  static final long CLICKS_UPPER = 1;
  static final double SPEND_UPPER = 10_000.0;
  static final long CONTRIBUTION_KEY = 0x5EC7E7L;

  private static final SqlUserDefinedFunction CONTRIBUTION_ORDER =
      new SqlUserDefinedFunction(
          new SqlIdentifier("CR_CONTRIBUTION_ORDER", SqlParserPos.ZERO),
          SqlKind.OTHER_FUNCTION,
          ReturnTypes.BIGINT,
          InferTypes.FIRST_KNOWN,
          OperandTypes.operandMetadata(
              List.of(
                  SqlTypeFamily.NUMERIC,
                  SqlTypeFamily.NUMERIC,
                  SqlTypeFamily.STRING,
                  SqlTypeFamily.STRING),
              typeFactory ->
                  List.of(
                      typeFactory.createSqlType(SqlTypeName.BIGINT),
                      typeFactory.createSqlType(SqlTypeName.BIGINT),
                      typeFactory.createSqlType(SqlTypeName.VARCHAR),
                      typeFactory.createSqlType(SqlTypeName.VARCHAR)),
              i -> "p" + i,
              i -> false),
          ScalarFunctionImpl.create(ContributionOrderStandIn.class, "order"));

  private BenchmarkQueries() {}

  /** Q1 without privacy; COUNT(DISTINCT) as Calcite expands it: per customer, then per group. */
  static RelNode plainJoinPlan(RelBuilder b) {
    return b.scan("retailer", "customers")
        .scan("advertiser", "impressions")
        .join(JoinRelType.INNER, b.equals(b.field(2, 0, "email_hash"), b.field(2, 1, "email_hash")))
        .aggregate(
            b.groupKey(b.field("campaign_id"), b.field("age_band"), b.field("customer_id")),
            b.sum(b.field("cost")).as("cost"),
            b.countStar("clicks").filter(b.field("clicked")))
        .aggregate(
            b.groupKey(b.field("campaign_id"), b.field("age_band")),
            b.count().as("customers"),
            b.sum(b.field("cost")).as("cost"),
            b.sum(b.field("clicks")).as("clicks"))
        .build();
  }

  static RelNode plainSingleTablePlan(RelBuilder b) {
    return b.scan("retailer", "customers")
        .aggregate(
            b.groupKey(b.field("loyalty_tier")),
            b.count().as("customers"),
            b.sum(b.field("lifetime_spend")).as("spend"))
        .build();
  }

  /** Q1 in the rewrite's shape: consent, join, per-unit groups, clamp, bounded groups. */
  static RelNode privateJoinPlan(RelBuilder b) {
    b.scan("retailer", "customers")
        .filter(b.call(SqlStdOperatorTable.IS_FALSE, b.field("opted_out")))
        .scan("advertiser", "impressions")
        .join(JoinRelType.INNER, b.equals(b.field(2, 0, "email_hash"), b.field(2, 1, "email_hash")))
        .project(
            List.of(
                b.field("customer_id"),
                b.field("campaign_id"),
                b.field("age_band"),
                b.field("cost"),
                b.field("clicked")),
            List.of("unit", "campaign_id", "age_band", "cost", "clicked"))
        .aggregate(
            b.groupKey(b.field("unit"), b.field("age_band"), b.field("campaign_id")),
            b.sum(b.field("cost")).as("cost"),
            b.countStar("clicks").filter(b.field("clicked")));
    RexNode rank =
        b.aggregateCall(SqlStdOperatorTable.ROW_NUMBER)
            .over()
            .rowsTo(RexWindowBounds.CURRENT_ROW)
            .partitionBy(b.field("unit"))
            .orderBy(
                b.call(
                    CONTRIBUTION_ORDER,
                    b.literal(CONTRIBUTION_KEY),
                    b.field("unit"),
                    b.field("age_band"),
                    b.field("campaign_id")))
            .toRex();
    b.project(
        List.of(
            b.field("age_band"),
            b.field("campaign_id"),
            clamp(b, b.field("cost"), b.literal(0.0), b.literal(COST_UPPER)),
            clamp(b, b.field("clicks"), b.literal(0L), b.literal(CLICKS_UPPER)),
            rank),
        List.of("age_band", "campaign_id", "cost", "clicks", "rank"));
    return b.filter(b.lessThanOrEqual(b.field("rank"), b.literal(MAX_GROUPS_CONTRIBUTED)))
        .aggregate(
            b.groupKey(b.field("age_band"), b.field("campaign_id")),
            b.count().as("customers"),
            b.sum(b.field("cost")).as("cost"),
            b.sum(b.field("clicks")).as("clicks"))
        .build();
  }

  /** Q2 in the rewrite's shape. */
  static RelNode privateSingleTablePlan(RelBuilder b) {
    b.scan("retailer", "customers")
        .filter(b.call(SqlStdOperatorTable.IS_FALSE, b.field("opted_out")))
        .aggregate(
            b.groupKey(b.field("customer_id"), b.field("loyalty_tier")),
            b.sum(b.field("lifetime_spend")).as("spend"),
            b.count().as("rows"));
    RexNode rank =
        b.aggregateCall(SqlStdOperatorTable.ROW_NUMBER)
            .over()
            .rowsTo(RexWindowBounds.CURRENT_ROW)
            .partitionBy(b.field("customer_id"))
            .orderBy(
                b.call(
                    CONTRIBUTION_ORDER,
                    b.literal(CONTRIBUTION_KEY),
                    b.field("customer_id"),
                    b.field("loyalty_tier"),
                    b.field("loyalty_tier")))
            .toRex();
    b.project(
        List.of(
            b.field("loyalty_tier"),
            clamp(b, b.field("rows"), b.literal(0L), b.literal(1L)),
            clamp(b, b.field("spend"), b.literal(0.0), b.literal(SPEND_UPPER)),
            rank),
        List.of("loyalty_tier", "rows", "spend", "rank"));
    return b.filter(b.lessThanOrEqual(b.field("rank"), b.literal(1)))
        .aggregate(
            b.groupKey(b.field("loyalty_tier")),
            b.sum(b.field("rows")).as("customers"),
            b.sum(b.field("spend")).as("spend"))
        .build();
  }

  private static RexNode clamp(RelBuilder b, RexNode value, RexNode lower, RexNode upper) {
    return b.call(
        SqlStdOperatorTable.CASE,
        b.lessThan(value, lower),
        lower,
        b.greaterThan(value, upper),
        upper,
        value);
  }
}
