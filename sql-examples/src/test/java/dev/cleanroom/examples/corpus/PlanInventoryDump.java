package dev.cleanroom.examples.corpus;

import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.testkit.Pipeline;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PlanInventoryDump {
  @RegisterExtension static final TestAllocator MEMORY = new TestAllocator();

  @Test
  void dump() throws Exception {
    var tables = FixtureCatalog.tables(5, MEMORY.allocator());
    try {
    Pipeline pipeline =
        new Pipeline(
            new AnalysisContext(
                FixtureCatalog.catalog(tables),
                FixtureCatalog.policies(),
                "advertiser",
                ContributionKey.of("engine-diff-key!".getBytes(StandardCharsets.US_ASCII))),
            new ExecutionLimits(256L << 20, 2));
    TreeMap<String, TreeSet<String>> seen = new TreeMap<>();
    StringBuilder plans = new StringBuilder();
    for (ExampleCase example : ExampleCorpusTest.cases().filter(ExampleCase::expectsAcceptance).toList()) {
      PrivateQuery query = pipeline.forAnalyst(example.analyst()).accepted(example.sql());
      RelNode plan = query.plan();
      walk(plan, example.name(), seen);
      plans.append("=== ").append(example.name()).append('\n').append(example.sql()).append('\n').append(query.planText()).append('\n');
    }
    StringBuilder out = new StringBuilder();
    seen.forEach((k, v) -> out.append(k).append("  [").append(v.size()).append("] ").append(v.first()).append('\n'));
    java.nio.file.Files.writeString(java.nio.file.Path.of("/tmp/sparkscratch/inventory.txt"), out.toString());
    java.nio.file.Files.writeString(java.nio.file.Path.of("/tmp/sparkscratch/plans.txt"), plans.toString());
    } finally { tables.values().forEach(dev.cleanroom.testkit.InMemoryTable::close); }
  }

  static void walk(RelNode node, String name, TreeMap<String, TreeSet<String>> seen) {
    node.getInputs().forEach(input -> walk(input, name, seen));
    record(node, name, seen);
  }

  static            void record(RelNode node, String exampleName, TreeMap<String, TreeSet<String>> seen) {
              seen.computeIfAbsent("rel " + node.getRelTypeName(), k -> new TreeSet<>()).add(exampleName);
              if (node instanceof Join join) {
                seen.computeIfAbsent("join " + join.getJoinType() + " " + join.getCondition(), k -> new TreeSet<>()).add(exampleName);
              }
              if (node instanceof Aggregate aggregate) {
                for (AggregateCall call : aggregate.getAggCallList()) {
                  seen.computeIfAbsent("agg " + call.getAggregation().getName() + (call.isDistinct() ? " DISTINCT" : "") + (call.filterArg >= 0 ? " FILTER" : "") + " " + call.getType(), k -> new TreeSet<>()).add(exampleName);
                }
                if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
                  seen.computeIfAbsent("agg grouptype " + aggregate.getGroupType(), k -> new TreeSet<>()).add(exampleName);
                }
              }
              node.accept(
                  new RexShuttle() {
                    @Override
                    public RexNode visitCall(RexCall call) {
                      StringBuilder sig = new StringBuilder("rex " + call.getKind() + " " + call.getOperator().getName() + " (");
                      for (RexNode operand : call.getOperands()) {
                        sig.append(operand.getType().getSqlTypeName()).append(operand instanceof RexLiteral ? "*" : "").append(',');
                      }
                      sig.append(") -> ").append(call.getType().getSqlTypeName());
                      seen.computeIfAbsent(sig.toString(), k -> new TreeSet<>()).add(exampleName);
                      return super.visitCall(call);
                    }
                    @Override
                    public RexNode visitOver(org.apache.calcite.rex.RexOver over) {
                      seen.computeIfAbsent("over " + over.getOperator().getName() + " " + over.getWindow(), k -> new TreeSet<>()).add(exampleName);
                      return super.visitOver(over);
                    }

                    @Override
                    public RexNode visitLiteral(RexLiteral literal) {
                      seen.computeIfAbsent("lit " + literal.getType().getSqlTypeName(), k -> new TreeSet<>()).add(exampleName);
                      return literal;
                    }
                  });
            }

}
