package dev.cleanroom.server.flight;

import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.server.problem.LibraryProblems;
import dev.cleanroom.server.problem.PolicyProblems;
import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import java.util.stream.Collectors;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.jboss.logging.Logger;

/**
 * Turns a refusal into the Flight status a client sees, carrying the same problem (title, detail,
 * code and every violation) the REST API answers with, and never a cell value: the details are the
 * same safe messages, and anything unexpected becomes one fixed sentence.
 */
final class FlightProblems {
  private static final Logger LOG = Logger.getLogger(FlightProblems.class);

  private FlightProblems() {}

  static FlightRuntimeException toFlight(Throwable failure) {
    if (failure instanceof FlightRuntimeException flight) {
      return flight;
    }
    Problem problem;
    if (failure instanceof ServerException e) {
      problem = Problem.of(e);
      if (e.code() == ServerErrorCode.INTERNAL) {
        LOG.errorf(e, "event=internal_error code=%s", e.code());
      }
    } else if (failure instanceof PolicyException e) {
      problem = PolicyProblems.toProblem(e);
    } else if (failure instanceof ExecutionException e) {
      problem = LibraryProblems.toProblem(e);
    } else if (failure instanceof ConnectorException e) {
      problem = LibraryProblems.toProblem(e);
    } else {
      LOG.errorf(failure, "event=unexpected_error type=%s", failure.getClass().getName());
      problem = Problem.of(ServerErrorCode.INTERNAL, "an unexpected error occurred");
    }
    return status(problem).withDescription(describe(problem)).toRuntimeException();
  }

  /**
   * {@code Title: detail [CODE]}, then every violation as {@code RULE (column, line:col): message}.
   */
  static String describe(Problem problem) {
    StringBuilder text =
        new StringBuilder(problem.title())
            .append(": ")
            .append(problem.detail())
            .append(" [")
            .append(problem.code())
            .append(']');
    if (problem.violations() != null && !problem.violations().isEmpty()) {
      text.append("; violations: ")
          .append(
              problem.violations().stream()
                  .map(FlightProblems::describe)
                  .collect(Collectors.joining("; ")));
    }
    return text.toString();
  }

  private static String describe(Problem.Violation violation) {
    StringBuilder text = new StringBuilder(violation.code());
    if (violation.column() != null || violation.line() != null) {
      text.append(" (");
      if (violation.column() != null) {
        text.append(violation.column());
      }
      if (violation.line() != null) {
        text.append(violation.column() != null ? ", " : "")
            .append("line ")
            .append(violation.line());
        if (violation.columnNumber() != null) {
          text.append(", column ").append(violation.columnNumber());
        }
      }
      text.append(')');
    }
    return text.append(": ").append(violation.message()).toString();
  }

  private static CallStatus status(Problem problem) {
    return switch (problem.status()) {
      case 400, 409, 413, 415, 422 -> CallStatus.INVALID_ARGUMENT;
      case 401 -> CallStatus.UNAUTHENTICATED;
      case 403 -> CallStatus.UNAUTHORIZED;
      case 404 -> CallStatus.NOT_FOUND;
      case 429 -> CallStatus.RESOURCE_EXHAUSTED;
      case 503 -> CallStatus.UNAVAILABLE;
      default -> CallStatus.INTERNAL;
    };
  }
}
