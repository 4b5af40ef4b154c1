package dev.cleanroom.server.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cleanroom.querypolicy.release.PolicyAccuracyTable;
import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerException;
import java.util.List;
import java.util.Locale;

/** Request and answer of a policy dry-run: example queries tried against a draft. */
public final class DryRun {
  static final int MAX_CASES = 200;

  private DryRun() {}

  /**
   * @param analyst whose view to try the queries from; by default the first analyst the draft
   *     allows
   */
  public record Request(String analyst, List<Case> cases) {
    public Request {
      if (cases == null || cases.isEmpty()) {
        throw ServerException.malformed("'cases' must list at least one example query");
      }
      if (cases.size() > MAX_CASES) {
        throw ServerException.malformed("at most " + MAX_CASES + " cases per dry-run");
      }
      cases = List.copyOf(cases);
    }
  }

  /**
   * One example query, as the {@code sql-examples} files state them.
   *
   * @param expect {@code ACCEPTED} or {@code REJECTED}, or {@code null} to only report
   */
  public record Case(String name, String sql, String expect) {
    public Case {
      if (sql == null || sql.isBlank()) {
        throw ServerException.malformed("every case needs 'sql'");
      }
      if (expect != null) {
        expect = expect.toUpperCase(Locale.ROOT);
        if (!expect.equals("ACCEPTED") && !expect.equals("REJECTED")) {
          throw ServerException.malformed("'expect' must be ACCEPTED or REJECTED");
        }
      }
    }
  }

  /**
   * What the draft makes of one case.
   *
   * @param outcome {@code ACCEPTED}, {@code REJECTED} (policy violations) or {@code ERROR}
   *     (malformed SQL, unknown table, too complex)
   * @param passed whether the outcome is the expected one, {@code null} without an expectation
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CaseResult(
      String name,
      String outcome,
      List<Problem.Violation> violations,
      String code,
      String message,
      Boolean passed) {}

  /**
   * Every case's result, and how many met their expectation.
   *
   * @param accuracy what the version's settings cost in accuracy, at standard epsilons and its own
   */
  public record Report(
      int policyVersion,
      String analyst,
      int passed,
      int failed,
      List<CaseResult> cases,
      Accuracy accuracy) {}

  /**
   * The accuracy table of a policy version (README, "What a privacy officer chooses, and what it
   * costs"), computed by the release code for its k, delta, groups per unit and bounds.
   *
   * @param query the query the half-widths are for
   * @param rows one per epsilon per query
   */
  public record Accuracy(String query, List<PolicyAccuracyTable.Row> rows) {
    public Accuracy {
      rows = List.copyOf(rows);
    }
  }
}
