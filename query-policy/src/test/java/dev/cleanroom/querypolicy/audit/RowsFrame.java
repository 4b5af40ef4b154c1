package dev.cleanroom.querypolicy.audit;

import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexWindow;
import org.apache.calcite.rex.RexWindowBounds;
import org.apache.calcite.rex.RexWindowExclusion;

/**
 * Puts every window call of a plan on the frame {@code ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT
 * ROW}, the frame on which {@code ROW_NUMBER} numbers a partition's rows 1, 2, 3, ... in every
 * engine. The rewrite's plans use Calcite's default frame (the whole partition), on which Calcite's
 * enumerable engine numbers every row 1 and the executor refuses to run. (The same test helper as
 * sql-examples' corpus.RowsFrame; test code is not shared between modules.)
 */
final class RowsFrame {
  private RowsFrame() {}

  /** Whether some window call of {@code plan} uses another frame. */
  static boolean usesOtherFrame(RelNode plan) {
    boolean[] found = {false};
    plan.accept(
        new RelHomogeneousShuttle() {
          @Override
          public RelNode visit(RelNode other) {
            other.accept(
                new RexShuttle() {
                  @Override
                  public RexNode visitOver(RexOver over) {
                    found[0] |= !isRowsToCurrentRow(over.getWindow());
                    return over;
                  }
                });
            return super.visit(other);
          }
        });
    return found[0];
  }

  /** A copy of {@code plan} whose window calls all use the rows-to-current-row frame. */
  static RelNode normalize(RelNode plan) {
    RexBuilder rexBuilder = plan.getCluster().getRexBuilder();
    RexShuttle frames =
        new RexShuttle() {
          @Override
          public RexNode visitOver(RexOver over) {
            RexWindow window = over.getWindow();
            if (isRowsToCurrentRow(window)) {
              return over;
            }
            return rexBuilder.makeOver(
                over.getType(),
                over.getAggOperator(),
                over.getOperands(),
                window.partitionKeys,
                window.orderKeys,
                RexWindowBounds.UNBOUNDED_PRECEDING,
                RexWindowBounds.CURRENT_ROW,
                RexWindowExclusion.EXCLUDE_NO_OTHER,
                true,
                true,
                false,
                over.isDistinct(),
                over.ignoreNulls());
          }
        };
    return plan.accept(
        new RelHomogeneousShuttle() {
          @Override
          public RelNode visit(RelNode other) {
            return super.visit(other).accept(frames);
          }
        });
  }

  private static boolean isRowsToCurrentRow(RexWindow window) {
    return window.isRows()
        && window.getLowerBound().isUnbounded()
        && window.getLowerBound().isPreceding()
        && window.getUpperBound().isCurrentRow();
  }
}
