package dev.cleanroom.server.query;

/**
 * A query's load phase failed because the store could not read or decrypt a version it reads.
 * Nothing had been computed from the rows then, so its epsilon is given back; what failed is {@link
 * #failure()}.
 */
final class LoadPhaseFailure extends RuntimeException {
  LoadPhaseFailure(RuntimeException failure) {
    super("the query's load phase failed", failure);
  }

  /** The load's own failure, as the caller reports it. */
  RuntimeException failure() {
    return (RuntimeException) getCause();
  }
}
