package dev.cleanroom.querypolicy.policy;

import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/** Small valid policies the tests start from. */
public final class TestPolicies {
  public static final TableName CUSTOMERS = new TableName("retailer", "customers");
  public static final TableName IMPRESSIONS = new TableName("advertiser", "impressions");

  private TestPolicies() {}

  public static PrivacyParameters privacy() {
    return new PrivacyParameters(
        new BigDecimal("0.5"),
        1e-6,
        4,
        1,
        new BigDecimal("10"),
        new BigDecimal("10"),
        BudgetRefresh.NONE,
        false);
  }

  public static List<ColumnPolicy> customerColumns() {
    return List.of(
        ColumnPolicy.of("customer_id", "BIGINT", ColumnClass.PRIVACY_UNIT),
        ColumnPolicy.of("email", "VARCHAR", ColumnClass.PII),
        ColumnPolicy.of("email_hash", "VARCHAR", ColumnClass.JOIN_KEY),
        ColumnPolicy.of("zip", "VARCHAR", ColumnClass.DIMENSION),
        ColumnPolicy.of("age_band", "VARCHAR", ColumnClass.DIMENSION),
        ColumnPolicy.of("loyalty_tier", "VARCHAR", ColumnClass.DIMENSION),
        ColumnPolicy.metric(
            "lifetime_spend",
            "DOUBLE",
            new MetricBounds(BigDecimal.ZERO, new BigDecimal("10000")),
            Set.of(MetricAggregate.SUM, MetricAggregate.AVG, MetricAggregate.COUNT)),
        ColumnPolicy.of("opted_out", "BOOLEAN", ColumnClass.CONSENT));
  }

  public static DatasetPolicy customers() {
    return new DatasetPolicy(
        CUSTOMERS,
        customerColumns(),
        List.of(new AllowedJoin("email_hash", IMPRESSIONS, "email_hash")),
        50,
        privacy(),
        Set.of("advertiser"));
  }

  public static DatasetPolicy impressions() {
    return new DatasetPolicy(
        IMPRESSIONS,
        List.of(
            ColumnPolicy.linkedJoinKey("email_hash", "VARCHAR", CUSTOMERS),
            ColumnPolicy.of("campaign_id", "VARCHAR", ColumnClass.DIMENSION),
            ColumnPolicy.of("ts", "TIMESTAMP", ColumnClass.DIMENSION),
            ColumnPolicy.metric(
                "clicked",
                "BOOLEAN",
                new MetricBounds(BigDecimal.ZERO, BigDecimal.TEN),
                Set.of(MetricAggregate.SUM, MetricAggregate.AVG, MetricAggregate.COUNT)),
            ColumnPolicy.metric(
                "cost",
                "DOUBLE",
                new MetricBounds(BigDecimal.ZERO, new BigDecimal("100")),
                Set.of(MetricAggregate.SUM, MetricAggregate.AVG, MetricAggregate.COUNT))),
        List.of(new AllowedJoin("email_hash", CUSTOMERS, "email_hash")),
        50,
        privacy(),
        Set.of("advertiser"));
  }
}
