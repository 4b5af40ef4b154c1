package dev.cleanroom.server.api;

import dev.cleanroom.server.problem.ServerException;

/** Checks shared by request bodies. */
public final class Bodies {
  private Bodies() {}

  /** A JSON endpoint called without a body is a malformed request, not a server error. */
  public static <T> T require(T body) {
    if (body == null) {
      throw ServerException.malformed("a JSON body is required");
    }
    return body;
  }
}
