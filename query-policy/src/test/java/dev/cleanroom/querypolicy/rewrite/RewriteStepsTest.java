package dev.cleanroom.querypolicy.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.lineage.CheckedQuery;
import dev.cleanroom.querypolicy.lineage.Scan;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each rewrite step's plan before and after. */
class RewriteStepsTest {
  private RelBuilder builder;

  @BeforeEach
  void createBuilder() {
    builder =
        RelBuilder.create(
            Frameworks.newConfigBuilder().defaultSchema(TestCatalog.schema()).build());
  }

  private String plan() {
    return RelOptUtil.toString(builder.peek()).strip();
  }

  private Scan customers() {
    return new Scan(
        TestPolicies.CUSTOMERS,
        builder.scan("retailer", "customers").build().getTable(),
        TestPolicies.customers(),
        0);
  }

  @Test
  void scanWithConsent_filtersOutTrueAndNullConsent() {
    RewriteSteps.scanWithConsent(builder, customers());
    assertEquals(
        """
        LogicalFilter(condition=[NOT($7)])
          LogicalTableScan(table=[[retailer, customers]])""",
        plan());
  }

  @Test
  void scanWithoutConsentColumn_isAPlainScan() {
    Scan impressions =
        new Scan(
            TestPolicies.IMPRESSIONS,
            builder.scan("advertiser", "impressions").build().getTable(),
            TestPolicies.impressions(),
            0);
    RewriteSteps.scanWithConsent(builder, impressions);
    assertEquals("LogicalTableScan(table=[[advertiser, impressions]])", plan());
  }

  @Test
  void joinOnKeys_joinsConsentFilteredScansOnTheDeclaredPair() {
    Scan impressions =
        new Scan(
            TestPolicies.IMPRESSIONS,
            builder.scan("advertiser", "impressions").build().getTable(),
            TestPolicies.impressions(),
            0);
    Scan customers =
        new Scan(
            TestPolicies.CUSTOMERS,
            builder.scan("retailer", "customers").build().getTable(),
            TestPolicies.customers(),
            6);
    List<RelDataType> types = new ArrayList<>();
    types.addAll(RelOptUtil.getFieldTypeList(impressions.relOptTable().getRowType()));
    types.addAll(RelOptUtil.getFieldTypeList(customers.relOptTable().getRowType()));
    RewriteSteps.joinOnKeys(
        builder,
        List.of(impressions, customers),
        List.of(new CheckedQuery.KeyPair(1, 8)),
        types,
        List.of(),
        TestCatalog.key());
    assertEquals(
        """
        LogicalJoin(condition=[=($1, $8)], joinType=[inner])
          LogicalTableScan(table=[[advertiser, impressions]])
          LogicalFilter(condition=[NOT($7)])
            LogicalTableScan(table=[[retailer, customers]])""",
        plan());
  }

  @Test
  void capRowsPerJoinKey_keepsTheFirstRowsPerKeyAndPersonByKeyedHash() {
    builder.scan("advertiser", "impressions");
    String before = plan();
    RewriteSteps.capRowsPerJoinKey(
        builder, new JoinKeyCap(0, List.of(1), List.of(1, 2, 5), 3, false), TestCatalog.key());
    String columns =
        "impression_id=[$0], email_hash=[$1], campaign_id=[$2], ts=[$3], clicked=[$4], cost=[$5]";
    assertEquals(
        "LogicalProject("
            + columns
            + ")\n  LogicalFilter(condition=[<=($6, 3)])\n    LogicalProject("
            + columns
            + ", join_key_rank=[ROW_NUMBER() OVER (PARTITION BY $1 ORDER BY"
            + " CR_CONTRIBUTION_ORDER(72623859790382856:BIGINT, 651345242494996240:BIGINT, $1,"
            + " $2, $5), $2, $5)])\n      "
            + before,
        plan());
  }

  @Test
  void filterRows_dropsRowsWithoutUnitAndAppliesTheFilters() {
    builder.scan("retailer", "customers");
    String before = plan();
    RewriteSteps.filterRows(
        builder, 0, List.of(builder.equals(builder.field("zip"), builder.literal("10001"))));
    assertEquals(
        "LogicalFilter(condition=[AND(IS NOT NULL($0), =($3, '10001'))])\n  " + before, plan());
  }

  @Test
  void perUnitAggregateThenClamp_boundEachUnitsSum() {
    builder.scan("retailer", "customers");
    RewriteSteps.projectUnitGroupsAndArguments(
        builder, 0, List.of(builder.field("age_band")), List.of(builder.field("lifetime_spend")));
    String before = plan();
    assertEquals(
        """
        LogicalProject(unit=[$0], g0=[$4], x0=[$6])
          LogicalTableScan(table=[[retailer, customers]])""",
        before);
    List<Partial> partials =
        List.of(new Partial(Partial.Kind.SUM, 0, BigDecimal.ZERO, new BigDecimal("10000")));
    RewriteSteps.aggregatePerUnitAndGroup(builder, 1, partials);
    assertEquals(
        """
        LogicalAggregate(group=[{0, 1}], p0=[SUM($2)])
          LogicalProject(unit=[$0], g0=[$4], x0=[$6])
            LogicalTableScan(table=[[retailer, customers]])""",
        plan());
    RewriteSteps.clampContributions(builder, 1, partials);
    assertEquals(
        """
        LogicalProject(unit=[$0], g0=[$1], p0=[CAST(+(*(CASE(IS NULL($2), $2, AND(>=($2, 0.0E0), <=($2, 10000.0E0)), $2, >($2, 10000.0E0), 10000.0E0:DOUBLE, 0.0E0:DOUBLE), 8192.0E0), 0.5E0)):BIGINT])
          LogicalAggregate(group=[{0, 1}], p0=[SUM($2)])
            LogicalProject(unit=[$0], g0=[$4], x0=[$6])
              LogicalTableScan(table=[[retailer, customers]])""",
        plan());
  }

  @Test
  void rankAndKeepTopGroups_keepAtMostMaxGroupsPerUnit() {
    builder.scan("retailer", "customers");
    RewriteSteps.projectUnitGroupsAndArguments(
        builder, 0, List.of(builder.field("zip")), List.of());
    RewriteSteps.aggregatePerUnitAndGroup(builder, 1, List.of());
    RewriteSteps.rankGroupsPerUnit(builder, 1, ContributionKey.of(new byte[16]));
    RewriteSteps.keepTopGroups(builder, 3);
    assertEquals(
        """
        LogicalProject(unit=[$0], g0=[$1])
          LogicalFilter(condition=[<=($2, 3)])
            LogicalProject(unit=[$0], g0=[$1], contribution_rank=[ROW_NUMBER() OVER (PARTITION BY $0 ORDER BY CR_CONTRIBUTION_ORDER(0, 0, $0, $1), $1)])
              LogicalAggregate(group=[{0, 1}])
                LogicalProject(unit=[$0], g0=[$3])
                  LogicalTableScan(table=[[retailer, customers]])""",
        plan());
  }

  @Test
  void aggregatePerGroup_sumsPartialsAndCountsUnits() {
    builder.scan("retailer", "customers");
    RewriteSteps.projectUnitGroupsAndArguments(
        builder, 0, List.of(builder.field("zip")), List.of(builder.field("lifetime_spend")));
    RewriteSteps.aggregatePerGroup(builder, 1, 1);
    // One row per (unit, group) by then, so COUNT() counts units; the unit itself is pruned.
    assertEquals(
        """
        LogicalAggregate(group=[{0}], a0=[SUM($1)], distinct_units=[COUNT()])
          LogicalProject(g0=[$3], x0=[$6])
            LogicalTableScan(table=[[retailer, customers]])""",
        plan());
  }
}
