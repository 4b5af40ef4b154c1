package dev.cleanroom.server.api;

import dev.cleanroom.server.problem.ServerException;
import java.util.regex.Pattern;

/**
 * Names of collaborations, members, datasets and columns. They become SQL identifiers and URL
 * segments, so they are restricted to lower-case letters, digits and underscores.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private Names() {}

  /** Returns {@code value} when it is a valid name; refuses it naming only {@code what}. */
  public static String require(String what, String value) {
    if (value == null) {
      throw ServerException.malformed("'" + what + "' is required");
    }
    if (!NAME.matcher(value).matches()) {
      // The value itself is not echoed: it could be anything the client sent.
      throw ServerException.malformed(
          "'"
              + what
              + "' must be 1 to 63 lower-case letters, digits or '_', starting with a letter");
    }
    return value;
  }

  public static boolean valid(String value) {
    return value != null && NAME.matcher(value).matches();
  }
}
