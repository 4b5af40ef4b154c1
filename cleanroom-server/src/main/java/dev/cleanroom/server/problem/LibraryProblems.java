package dev.cleanroom.server.problem;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.engine.ExecutionException;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps the connectors' and the executor's error codes. Input problems keep the library's message
 * (identifiers and positions only); storage and engine failures get a fixed sentence, the same
 * whatever the data, so an error is never a side channel.
 */
public class LibraryProblems {
  private static final Logger LOG = Logger.getLogger(LibraryProblems.class);

  @ServerExceptionMapper
  public Response connector(ConnectorException e) {
    return toProblem(e).toResponse();
  }

  @ServerExceptionMapper
  public Response execution(ExecutionException e) {
    return toProblem(e).toResponse();
  }

  /** The problem a connector failure answers with; a storage failure is logged. */
  public static Problem toProblem(ConnectorException e) {
    ConnectorErrorCode code = e.code();
    int status = status(code);
    if (status >= 500) {
      LOG.errorf(e, "event=connector_failure code=%s", code);
    }
    String detail = status >= 500 ? "the dataset store failed" : e.getMessage();
    return new Problem(
        Problem.TYPE_BASE + code.name().toLowerCase(Locale.ROOT).replace('_', '-'),
        title(status),
        status,
        detail,
        code.name(),
        null);
  }

  /** The one problem every engine failure answers with, whatever the data; logged. */
  public static Problem toProblem(ExecutionException e) {
    LOG.warnf("event=execution_failed code=%s reason=%s", e.code(), e.getMessage());
    return new Problem(
        Problem.TYPE_BASE + "execution-failed",
        "Query execution failed",
        500,
        "the query could not be executed",
        "EXECUTION_FAILED",
        null);
  }

  static int status(ConnectorErrorCode code) {
    return switch (code) {
      case UPLOAD_TOO_LARGE -> 413;
      case UNSUPPORTED_FORMAT -> 415;
      case NOT_FOUND -> 404;
      case INTEGRITY_FAILURE, KEY_ERROR, STORAGE_FAILURE -> 500;
      default -> 400;
    };
  }

  private static String title(int status) {
    return switch (status) {
      case 413 -> "The upload is too large";
      case 415 -> "Unsupported upload format";
      case 404 -> "Not found";
      case 500 -> "Internal server error";
      default -> "The upload is not valid";
    };
  }
}
