package dev.cleanroom.client.session;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of the client: a message for stderr and the exit status. Messages name
 * options, files, rows and columns, never a cell value, a key or a secret.
 */
public final class ClientException extends RuntimeException {
  private final ExitStatus exitStatus;

  public ClientException(ExitStatus exitStatus, String message) {
    super(requireNonNull(message, "message is null"));
    this.exitStatus = requireNonNull(exitStatus, "exitStatus is null");
  }

  public ClientException(ExitStatus exitStatus, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.exitStatus = requireNonNull(exitStatus, "exitStatus is null");
  }

  public static ClientException usage(String message) {
    return new ClientException(ExitStatus.USAGE, message);
  }

  public ExitStatus exitStatus() {
    return exitStatus;
  }
}
