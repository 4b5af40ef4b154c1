package dev.cleanroom.querypolicy.analysis;

import dev.cleanroom.querypolicy.engine.InMemoryTable;
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

/** The demo tables with a handful of rows, and an analysis context over them. */
public final class TestCatalog {
  /** 2026-01-05T00:00Z, a Monday. */
  public static final long MONDAY = 1_767_571_200_000L;

  private static final long DAY = 86_400_000L;

  private TestCatalog() {}

  private static InMemoryTable.Column column(String name, String type) {
    return new InMemoryTable.Column(name, ColumnType.parse(type));
  }

  public static InMemoryTable customers() {
    return new InMemoryTable(
        List.of(
            column("customer_id", "BIGINT"),
            column("email", "VARCHAR"),
            column("email_hash", "VARCHAR"),
            column("zip", "VARCHAR"),
            column("age_band", "VARCHAR"),
            column("loyalty_tier", "VARCHAR"),
            column("lifetime_spend", "DOUBLE"),
            column("opted_out", "BOOLEAN")),
        List.of(
            new Object[] {1L, "a@example.com", "h1", "10001", "18-24", "gold", 100.0, false},
            new Object[] {2L, "b@example.com", "h2", "10001", "25-34", "silver", 20_000.0, false},
            new Object[] {3L, "c@example.com", "h3", "10002", "18-24", "gold", 50.0, true},
            new Object[] {4L, "d@example.com", "h4", "10002", "25-34", "bronze", 300.0, null}));
  }

  /** The impressions table's columns with the given rows. */
  public static InMemoryTable impressions(List<Object[]> rows) {
    return new InMemoryTable(
        List.of(
            column("impression_id", "BIGINT"),
            column("email_hash", "VARCHAR"),
            column("campaign_id", "VARCHAR"),
            column("ts", "TIMESTAMP"),
            column("clicked", "BOOLEAN"),
            column("cost", "DOUBLE")),
        rows);
  }

  public static InMemoryTable impressions() {
    return impressions(
        List.of(
            new Object[] {1L, "h1", "c1", MONDAY, true, 2.0},
            new Object[] {2L, "h1", "c1", MONDAY + DAY, false, 3.0},
            new Object[] {3L, "h2", "c1", MONDAY + 8 * DAY, true, 150.0},
            new Object[] {4L, "h3", "c2", MONDAY, true, 1.0},
            new Object[] {5L, "h2", "c2", MONDAY + DAY, false, 4.0},
            new Object[] {6L, "h4", "c2", MONDAY, true, 5.0}));
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
