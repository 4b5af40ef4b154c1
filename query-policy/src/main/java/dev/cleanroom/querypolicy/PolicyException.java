package dev.cleanroom.querypolicy;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of the policy layer. Its message quotes identifiers only and never a cell
 * value, so it is safe to log and to show to the caller.
 */
public class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final PolicyErrorCode code;

  public PolicyException(PolicyErrorCode code, String message) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
  }

  public PolicyException(PolicyErrorCode code, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.code = requireNonNull(code, "code is null");
  }

  public PolicyErrorCode code() {
    return code;
  }
}
