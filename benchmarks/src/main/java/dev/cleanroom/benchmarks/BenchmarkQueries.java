package dev.cleanroom.benchmarks;

import java.math.BigDecimal;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.tools.RelBuilder;

/**
 * The three benchmark queries: as SQL (what the analyst asks, and what DuckDB runs), as the plain
 * Calcite plan, and as the private plan in the rewrite's shape.
 */
final class BenchmarkQueries {
  /** Q1: the campaign-overlap join. */
  static final String Q1_SQL =
      "SELECT c.age_band, i.campaign_id, COUNT(DISTINCT c.customer_id) AS customers,"
          + " SUM(i.cost) AS cost, SUM(CASE WHEN i.clicked THEN 1 ELSE 0 END) AS clicks"
          + " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash"
          + " GROUP BY i.campaign_id, c.age_band";

  /** Q2: one table, scan and aggregate. */
  static final String Q2_SQL =
      "SELECT loyalty_tier, COUNT(*) AS customers, SUM(lifetime_spend) AS spend"
          + " FROM retailer.customers GROUP BY loyalty_tier";

  /** Q3: conversions after exposure, three tables and a time window between two of them. */
  static final String Q3_SQL =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS converters"
          + " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash"
          + " JOIN retailer.purchases p ON p.customer_id = c.customer_id"
          + " WHERE p.ts > i.ts AND p.ts <= i.ts + INTERVAL '7' DAY"
          + " GROUP BY i.campaign_id";

  private static final long WEEK_MILLIS = 7L * 24 * 3600 * 1000;

  /** Q3 without privacy; COUNT(DISTINCT) as Calcite expands it: per customer, then per group. */
  static RelNode plainConversionsPlan(RelBuilder b) {
    b.scan("retailer", "customers").as("c").scan("advertiser", "impressions").as("i");
    b.join(
        JoinRelType.INNER, b.equals(b.field(2, "c", "email_hash"), b.field(2, "i", "email_hash")));
    b.scan("retailer", "purchases").as("p");
    b.join(
        JoinRelType.INNER, b.equals(b.field(2, 0, "customer_id"), b.field(2, "p", "customer_id")));
    RexNode weekLater =
        b.call(
            SqlStdOperatorTable.DATETIME_PLUS,
            b.field("i", "ts"),
            b.getRexBuilder()
                .makeIntervalLiteral(
                    BigDecimal.valueOf(WEEK_MILLIS),
                    new SqlIntervalQualifier(TimeUnit.DAY, null, SqlParserPos.ZERO)));
    return b.filter(
            b.greaterThan(b.field("p", "ts"), b.field("i", "ts")),
            b.lessThanOrEqual(b.field("p", "ts"), weekLater))
        .aggregate(b.groupKey(b.field("i", "campaign_id"), b.field("c", "customer_id")))
        .aggregate(b.groupKey(b.field("campaign_id")), b.count().as("converters"))
        .build();
  }

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
}
