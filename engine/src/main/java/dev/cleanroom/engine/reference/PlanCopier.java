package dev.cleanroom.engine.reference;

import dev.cleanroom.engine.BoundTables;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.QueryMemory;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.spi.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableInterpreterRule;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.interpreter.Bindables;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalWindow;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexBuilder;

/**
 * Copies a private plan into a fresh cluster whose planner knows the enumerable rules: the
 * analyser's cluster plans nothing, and a Volcano planner is single-use. Each scan is rebound to
 * the query's Arrow data (whatever table object the analyser's catalog had); only the operators of
 * the private-plan contract are copied, anything else is refused before a row is read.
 */
final class PlanCopier {
  private static final List<RelOptRule> RULES =
      List.of(
          EnumerableRules.ENUMERABLE_PROJECT_RULE,
          EnumerableRules.ENUMERABLE_FILTER_RULE,
          EnumerableRules.ENUMERABLE_AGGREGATE_RULE,
          EnumerableRules.ENUMERABLE_JOIN_RULE,
          EnumerableRules.ENUMERABLE_WINDOW_RULE,
          EnumerableRules.ENUMERABLE_CALC_RULE,
          EnumerableRules.ENUMERABLE_VALUES_RULE,
          EnumerableInterpreterRule.DEFAULT_CONFIG.toRule());

  private static final CalciteConnectionConfig UTC_CONFIG = utcConfig();

  private PlanCopier() {}

  private static CalciteConnectionConfig utcConfig() {
    Properties properties = new Properties();
    properties.setProperty(CalciteConnectionProperty.TIME_ZONE.camelName(), "UTC");
    return new CalciteConnectionConfigImpl(properties);
  }

  static RelNode forEnumerable(
      RelNode plan, Map<TableName, ? extends TableData> tables, QueryMemory memory) {
    // Rules Calcite adds while preparing (the date-range rewrite of EXTRACT and FLOOR filters)
    // read the connection config from the planner's context: without one they fail.
    VolcanoPlanner planner = new VolcanoPlanner(Contexts.of(UTC_CONFIG));
    planner.addRelTraitDef(ConventionTraitDef.INSTANCE);
    planner.addRelTraitDef(RelCollationTraitDef.INSTANCE);
    // Only the conversions a private plan needs: the default rule set would spend most of each
    // execution exploring rewrites of a plan that is already in its final shape.
    for (RelOptRule rule : RULES) {
      planner.addRule(rule);
    }
    RelOptCluster cluster =
        RelOptCluster.create(planner, new RexBuilder(plan.getCluster().getTypeFactory()));
    // ROW_NUMBER() OVER (...) sits in a Project; the enumerable engine runs it as a Window. The
    // conversion runs before the copy, so the Volcano planner only ever sees fresh operators.
    HepPlanner windows =
        new HepPlanner(
            HepProgram.builder()
                .addRuleInstance(CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW)
                .build());
    checkOperators(plan);
    windows.setRoot(plan);
    return new Copier(tables, memory, cluster).copy(windows.findBestExp());
  }

  /** Refuses, before anything is bound or read, a plan with an operator the copy does not know. */
  private static void checkOperators(RelNode rel) {
    if (!(rel instanceof TableScan
        || rel instanceof Filter
        || rel instanceof Project
        || rel instanceof Join
        || rel instanceof Window
        || rel instanceof Aggregate)) {
      throw new ExecutionException(
          ExecutionErrorCode.UNSUPPORTED_PLAN,
          "operator " + rel.getRelTypeName() + " is not part of a private plan");
    }
    rel.getInputs().forEach(PlanCopier::checkOperators);
  }

  /** One copy: the bound tables, the query's memory account and the fresh cluster. */
  private record Copier(
      Map<TableName, ? extends TableData> tables, QueryMemory memory, RelOptCluster cluster) {
    private RelNode copy(RelNode rel) {
      List<RelNode> inputs = new ArrayList<>();
      for (RelNode input : rel.getInputs()) {
        inputs.add(copy(input));
      }
      if (rel instanceof TableScan scan) {
        // Scans read the bound data directly, so no connection needs a schema.
        ArrowTable table = new ArrowTable(BoundTables.of(tables, scan), scan.getRowType(), memory);
        return Bindables.BindableTableScan.create(
            cluster,
            RelOptTableImpl.create(
                null,
                scan.getRowType(),
                scan.getTable().getQualifiedName(),
                table,
                (Expression) null));
      }
      if (rel instanceof Filter filter) {
        return LogicalFilter.create(inputs.get(0), filter.getCondition());
      }
      if (rel instanceof Project project) {
        return LogicalProject.create(
            inputs.get(0), List.of(), project.getProjects(), project.getRowType(), Set.of());
      }
      if (rel instanceof Join join) {
        return LogicalJoin.create(
            inputs.get(0),
            inputs.get(1),
            List.of(),
            join.getCondition(),
            Set.of(),
            join.getJoinType());
      }
      if (rel instanceof Window window) {
        return LogicalWindow.create(
            cluster.traitSetOf(Convention.NONE),
            inputs.get(0),
            window.getConstants(),
            window.getRowType(),
            window.groups);
      }
      if (rel instanceof Aggregate aggregate) {
        return LogicalAggregate.create(
            inputs.get(0),
            List.of(),
            aggregate.getGroupSet(),
            aggregate.getGroupSets(),
            aggregate.getAggCallList());
      }
      throw new ExecutionException(
          ExecutionErrorCode.UNSUPPORTED_PLAN,
          "operator " + rel.getRelTypeName() + " is not part of a private plan");
    }
  }
}
