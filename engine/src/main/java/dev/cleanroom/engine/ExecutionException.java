package dev.cleanroom.engine;

import static java.util.Objects.requireNonNull;

/**
 * The executor's only exception type. Messages name operators, tables and columns, never a cell
 * value, so a failure reveals nothing about the data beyond the fact that it happened.
 */
public final class ExecutionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ExecutionErrorCode code;

  public ExecutionException(ExecutionErrorCode code, String message) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
  }

  public ExecutionException(ExecutionErrorCode code, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.code = requireNonNull(code, "code is null");
  }

  public ExecutionErrorCode code() {
    return code;
  }
}
