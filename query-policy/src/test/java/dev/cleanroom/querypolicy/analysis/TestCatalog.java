package dev.cleanroom.querypolicy.analysis;

import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.spi.ColumnType;
import dev.cleanroom.spi.TableName;
import java.util.List;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * The demo tables as declared (no rows: analysis reads none), their policies, and an analysis
 * context over them.
 */
public final class TestCatalog {
  private TestCatalog() {}

  private static DeclaredTable.Column column(String name, String type) {
    return new DeclaredTable.Column(name, ColumnType.parse(type));
  }

  public static DeclaredTable customers() {
    return new DeclaredTable(
        List.of(
            column("customer_id", "BIGINT"),
            column("email", "VARCHAR"),
            column("email_hash", "VARCHAR"),
            column("zip", "VARCHAR"),
            column("age_band", "VARCHAR"),
            column("loyalty_tier", "VARCHAR"),
            column("lifetime_spend", "DOUBLE"),
            column("opted_out", "BOOLEAN")));
  }

  public static DeclaredTable impressions() {
    return new DeclaredTable(
        List.of(
            column("impression_id", "BIGINT"),
            column("email_hash", "VARCHAR"),
            column("campaign_id", "VARCHAR"),
            column("ts", "TIMESTAMP"),
            column("clicked", "BOOLEAN"),
            column("cost", "DOUBLE")));
  }

  public static SchemaPlus schema() {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    root.add("retailer", new AbstractSchema()).add("customers", customers());
    root.add("advertiser", new AbstractSchema()).add("impressions", impressions());
    return root;
  }

  public static Map<TableName, DatasetPolicy> policies() {
    return Map.of(
        TestPolicies.CUSTOMERS, TestPolicies.customers(),
        TestPolicies.IMPRESSIONS, TestPolicies.impressions());
  }

  public static ContributionKey key() {
    return ContributionKey.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  }

  public static AnalysisContext context() {
    return new AnalysisContext(schema(), policies(), "advertiser", key());
  }
}
