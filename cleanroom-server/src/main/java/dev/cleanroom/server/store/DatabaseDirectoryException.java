package dev.cleanroom.server.store;

/**
 * The embedded database's directory cannot be used now: another running server holds it, or a
 * PostgreSQL left there by a dead server would not stop. Its message says what to do.
 */
public final class DatabaseDirectoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DatabaseDirectoryException(String message) {
    super(message);
  }

  DatabaseDirectoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
