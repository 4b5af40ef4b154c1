package dev.cleanroom.server.problem;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The one exception type of the server. Its message quotes identifiers only, never a cell value or
 * a key, so it is shown to the caller as the problem's {@code detail}.
 */
public class ServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ServerErrorCode code;
  private final transient List<Problem.Violation> violations;

  public ServerException(ServerErrorCode code, String message) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
    this.violations = List.of();
  }

  /** A refusal that lists every problem found, not only the first. */
  public ServerException(ServerErrorCode code, String message, List<Problem.Violation> violations) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
    this.violations = List.copyOf(violations);
  }

  public ServerException(ServerErrorCode code, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.code = requireNonNull(code, "code is null");
    this.violations = List.of();
  }

  public ServerErrorCode code() {
    return code;
  }

  public List<Problem.Violation> violations() {
    return violations;
  }

  public static ServerException notFound(String what) {
    return new ServerException(ServerErrorCode.NOT_FOUND, what + " does not exist");
  }

  public static ServerException forbidden(String message) {
    return new ServerException(ServerErrorCode.FORBIDDEN, message);
  }

  public static ServerException malformed(String message) {
    return new ServerException(ServerErrorCode.MALFORMED_REQUEST, message);
  }
}
