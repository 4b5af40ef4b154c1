package dev.cleanroom.connectors;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of this module. Messages quote identifiers and positions only, never a
 * cell value, so they are safe to log and to return to a client.
 */
public final class ConnectorException extends RuntimeException {
  private final ConnectorErrorCode code;

  public ConnectorException(ConnectorErrorCode code, String message) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
  }

  public ConnectorException(ConnectorErrorCode code, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.code = requireNonNull(code, "code is null");
  }

  public ConnectorErrorCode code() {
    return code;
  }
}
