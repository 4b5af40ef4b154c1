package dev.cleanroom.server.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.release.AccuracyPlanner;
import dev.cleanroom.querypolicy.release.DerivedExpression;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What {@code explain} answers: the violations, or the rewritten plan with its cost.
 *
 * @param epsilon what running the query would cost, per table read
 * @param columns each output column and what the release does to it (aggregates read only by a
 *     derived output, HAVING or ORDER BY are named in {@code explanation} and in the parts of the
 *     derived columns that read them)
 * @param plan the private plan as text (the server's secret key masked)
 * @param releaseRule how the rows shown would be chosen ({@code threshold} or {@code public keys:
 *     ...})
 * @param publicKeys under public keys, the number of key combinations that would be shown
 * @param releaseNote why public keys are not used although named, when they are not
 * @param spent what each part of the epsilon and delta would pay for
 * @param mechanism the noise and release rule the query would be released with (chosen from its
 *     parameters and options only)
 * @param accuracy what epsilon gives each noised column plus or minus X, and from how many people a
 *     group is shown; absent when the release refuses the query's parameters
 * @param engine the engine the query would run on ({@code vectorized} or {@code spark}), from the
 *     collaboration's engine setting and the versions it reads now
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
    String plan,
    String releaseRule,
    Long publicKeys,
    String releaseNote,
    List<Answer.SpentReport> spent,
    Answer.Mechanism mechanism,
    Accuracy accuracy,
    String engine) {

  /**
   * Accuracy before anything runs, computed by the release code from the plan's parameters.
   *
   * @param groupsShown the threshold, and the smallest exact number of people whose group is shown
   *     half of the time and 95% of the time
   * @param columns each noised column: its 95% half-width now, and the epsilon per query each
   *     target half-width needs
   */
  public record Accuracy(
      AccuracyPlanner.GroupsShown groupsShown, List<AccuracyPlanner.ColumnAccuracy> columns) {}

  /** In a join, at most {@code maxRows} rows of {@code table} per value of {@code columns}. */
  public record RowsPerJoinKey(String table, List<String> columns, int maxRows) {}

  /**
   * One output column: its role and the bounds of one unit's contribution; for a value derived from
   * released aggregates (role {@code DERIVED}), how it is computed and the released parts it reads.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ExplainedColumn(
      String name,
      String role,
      BigDecimal lowerBound,
      BigDecimal upperBound,
      String expression,
      List<String> parts) {}

  static Explanation rejected(List<Problem.Violation> violations) {
    return new Explanation(
        false,
        violations,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * The accuracy of {@code query}; {@code targets} are the half-widths the analyst asked about, by
   * column.
   */
  static Accuracy accuracy(PrivateQuery query, Map<String, BigDecimal> targets) {
    try {
      return new Accuracy(
          AccuracyPlanner.groupsShown(query.releaseSpec()),
          AccuracyPlanner.columns(query.releaseSpec(), targets));
    } catch (IllegalArgumentException e) {
      // The message names the analyst's own columns and numbers, never data.
      throw ServerException.malformed("options.targetHalfWidth: " + e.getMessage());
    } catch (PolicyException e) {
      // A spec the release refuses (asking the query fails with its problem): no accuracy to show.
      return null;
    }
  }

  static Explanation accepted(
      PrivateQuery query, List<String> tables, Accuracy accuracy, String engine) {
    var parameters = query.releaseSpec().parameters();
    // Built once: with the auto mechanism it weighs every candidate mechanism.
    Releaser releaser = Releaser.forSpec(query.releaseSpec());
    return new Explanation(
        true,
        null,
        tables,
        parameters.epsilon(),
        parameters.delta(),
        parameters.minimumDistinctUnits(),
        parameters.maxGroupsContributed(),
        columns(query),
        query.rowsPerJoinKey().stream()
            .map(cap -> new RowsPerJoinKey(cap.table().toString(), cap.columns(), cap.maxRows()))
            .toList(),
        query.explanation(),
        query.planText(),
        query.releaseSpec().rule().describe(),
        Answers.publicKeys(query.releaseSpec().rule()),
        Answers.releaseNote(query.releaseSpec().rule()),
        Answers.spent(releaser.spent()),
        Answer.Mechanism.of(releaser.accounting()),
        accuracy,
        engine);
  }

  private static List<ExplainedColumn> columns(PrivateQuery query) {
    ReleaseSpec spec = query.releaseSpec();
    PostProcessing post = query.postProcessing();
    List<PostProcessing.DerivedNoise> derived = post.derivedNoise(spec, List.of());
    List<ExplainedColumn> columns = new ArrayList<>();
    int derivedIndex = 0;
    for (PostProcessing.OutputColumn output : post.outputs()) {
      if (output.expression() instanceof DerivedExpression.Part part) {
        ReleaseColumn column = spec.columns().get(part.index());
        columns.add(
            new ExplainedColumn(
                output.name(),
                column.role().name(),
                column.lowerBound(),
                column.upperBound(),
                null,
                null));
        continue;
      }
      PostProcessing.DerivedNoise noise = derived.get(derivedIndex++);
      TreeSet<Integer> parts = new TreeSet<>();
      output.expression().collectParts(parts);
      columns.add(
          new ExplainedColumn(
              output.name(),
              "DERIVED",
              null,
              null,
              noise.expression(),
              parts.stream().map(p -> spec.columns().get(p).name()).toList()));
    }
    return columns;
  }
}
