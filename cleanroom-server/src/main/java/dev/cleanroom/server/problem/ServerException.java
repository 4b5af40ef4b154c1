package dev.cleanroom.server.problem;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of the server. Its message quotes identifiers only, never a cell value or
 * a key, so it is shown to the caller as the problem's {@code detail}.
 */
public class ServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ServerErrorCode code;

  public ServerException(ServerErrorCode code, String message) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
  }

  public ServerException(ServerErrorCode code, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.code = requireNonNull(code, "code is null");
  }

  public ServerErrorCode code() {
    return code;
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
