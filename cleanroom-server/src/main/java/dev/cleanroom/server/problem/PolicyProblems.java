package dev.cleanroom.server.problem;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.analysis.Violation;
import java.util.List;

/**
 * Maps the policy layer's error codes and violations to problem documents; its messages are safe to
 * show.
 */
public final class PolicyProblems {
  private PolicyProblems() {}

  public static Problem toProblem(PolicyException e) {
    PolicyErrorCode code = e.code();
    return new Problem(
        Problem.TYPE_BASE + slug(code),
        title(code),
        status(code),
        code == PolicyErrorCode.EXECUTION_FAILED
            ? "the query could not be executed"
            : e.getMessage(),
        code.name(),
        null);
  }

  /** Each violation as the problem document lists it: code, column, position, sentence. */
  public static List<Problem.Violation> violations(List<Violation> violations) {
    return violations.stream()
        .map(
            v ->
                new Problem.Violation(
                    v.code().name(), null, v.column(), v.line(), v.columnNumber(), v.message()))
        .toList();
  }

  /** The 422 answer DESIGN.md shows for a rejected query. */
  public static ServerException rejection(List<Violation> violations) {
    return new ServerException(
        ServerErrorCode.POLICY_VIOLATION, "the query violates the policy", violations(violations));
  }

  public static int status(PolicyErrorCode code) {
    return switch (code) {
      case MALFORMED_SQL, QUERY_TOO_COMPLEX, UNKNOWN_OBJECT -> 400;
      case INVALID_POLICY, INVALID_PRIVACY_PARAMETER, POLICY_VIOLATION -> 422;
      case BUDGET_EXHAUSTED -> 429;
      case EXECUTION_FAILED -> 500;
    };
  }

  private static String slug(PolicyErrorCode code) {
    return switch (code) {
      case POLICY_VIOLATION -> "policy-violation";
      case BUDGET_EXHAUSTED -> "budget-exhausted";
      case MALFORMED_SQL -> "malformed-sql";
      case QUERY_TOO_COMPLEX -> "query-too-complex";
      case UNKNOWN_OBJECT -> "unknown-object";
      case INVALID_POLICY -> "invalid-policy";
      case INVALID_PRIVACY_PARAMETER -> "invalid-privacy-parameter";
      case EXECUTION_FAILED -> "execution-failed";
    };
  }

  private static String title(PolicyErrorCode code) {
    return switch (code) {
      case POLICY_VIOLATION -> "Query violates the policy";
      case BUDGET_EXHAUSTED -> "Privacy budget exhausted";
      case MALFORMED_SQL -> "Malformed SQL";
      case QUERY_TOO_COMPLEX -> "Query too complex";
      case UNKNOWN_OBJECT -> "Unknown table or column";
      case INVALID_POLICY -> "Invalid policy";
      case INVALID_PRIVACY_PARAMETER -> "Invalid privacy parameter";
      case EXECUTION_FAILED -> "Query execution failed";
    };
  }
}
