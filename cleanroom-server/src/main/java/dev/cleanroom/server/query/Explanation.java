package dev.cleanroom.server.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.server.problem.Problem;
import java.math.BigDecimal;
import java.util.List;

/**
 * What {@code explain} answers: the violations, or the rewritten plan with its cost.
 *
 * @param epsilon what running the query would cost, per table read
 * @param columns each output column and what the release does to it
 * @param plan the private plan as text (the server's secret key masked)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Explanation(
    boolean accepted,
    List<Problem.Violation> violations,
    List<String> tables,
    BigDecimal epsilon,
    Double delta,
    Integer minimumDistinctUnits,
    Integer maxGroupsContributed,
    List<ExplainedColumn> columns,
    List<RowsPerJoinKey> rowsPerJoinKey,
    String explanation,
    String plan) {

  /** In a join, at most {@code maxRows} rows of {@code table} per value of {@code columns}. */
  public record RowsPerJoinKey(String table, List<String> columns, int maxRows) {}

  /** One output column: its role and the bounds of one unit's contribution. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ExplainedColumn(
      String name, String role, BigDecimal lowerBound, BigDecimal upperBound) {}

  static Explanation rejected(List<Problem.Violation> violations) {
    return new Explanation(false, violations, null, null, null, null, null, null, null, null, null);
  }

  static Explanation accepted(PrivateQuery query, List<String> tables) {
    var parameters = query.releaseSpec().parameters();
    return new Explanation(
        true,
        null,
        tables,
        parameters.epsilon(),
        parameters.delta(),
        parameters.minimumDistinctUnits(),
        parameters.maxGroupsContributed(),
        query.releaseSpec().columns().stream().map(Explanation::column).toList(),
        query.rowsPerJoinKey().stream()
            .map(cap -> new RowsPerJoinKey(cap.table().toString(), cap.columns(), cap.maxRows()))
            .toList(),
        query.explanation(),
        query.planText());
  }

  private static ExplainedColumn column(ReleaseColumn column) {
    return new ExplainedColumn(
        column.name(), column.role().name(), column.lowerBound(), column.upperBound());
  }
}
