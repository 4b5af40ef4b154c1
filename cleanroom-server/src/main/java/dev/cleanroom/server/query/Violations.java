package dev.cleanroom.server.query;

import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import java.util.List;
import java.util.stream.Collectors;

/** Policy violations as problem documents and as audit details (codes only, never SQL text). */
final class Violations {
  static final String POLICY_VIOLATION_TYPE = Problem.TYPE_BASE + "policy-violation";

  private Violations() {}

  static List<Problem.Violation> toProblem(List<Violation> violations) {
    return violations.stream()
        .map(
            v ->
                new Problem.Violation(
                    v.code().name(), null, v.column(), v.line(), v.columnNumber(), v.message()))
        .toList();
  }

  /** The 422 answer DESIGN.md shows for a rejected query. */
  static ServerException rejection(List<Violation> violations) {
    return new ServerException(
        ServerErrorCode.POLICY_VIOLATION, "the query violates the policy", toProblem(violations));
  }

  static String auditDetail(List<Violation> violations) {
    return "violations="
        + violations.stream().map(v -> v.code().name()).distinct().collect(Collectors.joining(","));
  }
}
