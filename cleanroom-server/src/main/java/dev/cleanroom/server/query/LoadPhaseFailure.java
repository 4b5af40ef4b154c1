package dev.cleanroom.server.query;

/**
 * A query's load phase failed: a version it reads could not be leased, read or decrypted. Nothing
 * had been computed from the data then, so its epsilon is given back; what failed is {@link
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
