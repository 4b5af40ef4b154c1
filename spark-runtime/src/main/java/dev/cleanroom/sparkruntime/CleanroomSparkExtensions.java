package dev.cleanroom.sparkruntime;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The clean room's functions in every Spark session (Spark setting {@code
 * spark.sql.extensions=dev.cleanroom.sparkruntime.CleanroomSparkExtensions}): {@code
 * cr_contribution_order}, the keyed hash of the private plan, see {@link ContributionOrder}.
 */
public final class CleanroomSparkExtensions
    extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  /** Spark creates the extensions by name, with this constructor. */
  public CleanroomSparkExtensions() {}

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectFunction(
        new Tuple3<>(
            FunctionIdentifier.apply(ContributionOrder.NAME),
            new ExpressionInfo(ContributionOrder.class.getName(), ContributionOrder.NAME),
            new AbstractFunction1<Seq<Expression>, Expression>() {
              @Override
              public Expression apply(Seq<Expression> arguments) {
                return new ContributionOrder(arguments);
              }
            }));
    return BoxedUnit.UNIT;
  }
}
