package dev.cleanroom.server.dataset;

import dev.cleanroom.server.problem.ServerException;

/**
 * The identifier of one person as a request body carries it (an erasure, a subject lookup): the
 * value of a privacy unit column, 1 to {@value #MAX_LENGTH} characters, no control characters.
 * Messages about it never repeat it.
 */
public final class SubjectIdentifier {
  public static final int MAX_LENGTH = 256;

  private SubjectIdentifier() {}

  /** {@code identifier}, or a 400 naming {@code field} (not the value) when it is not one. */
  public static String require(String field, String identifier) {
    if (identifier == null || identifier.isEmpty()) {
      throw ServerException.malformed("'" + field + "' is required");
    }
    if (identifier.length() > MAX_LENGTH) {
      throw ServerException.malformed(
          "'" + field + "' is longer than " + MAX_LENGTH + " characters");
    }
    if (identifier.chars().anyMatch(Character::isISOControl)) {
      throw ServerException.malformed("'" + field + "' contains a control character");
    }
    return identifier;
  }
}
