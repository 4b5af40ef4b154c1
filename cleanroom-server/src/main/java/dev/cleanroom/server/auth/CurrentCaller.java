package dev.cleanroom.server.auth;

import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of the current request, set by {@link AuthenticationFilter}. */
@RequestScoped
public class CurrentCaller {
  private Caller caller;

  void set(Caller caller) {
    this.caller = caller;
  }

  public Caller get() {
    if (caller == null) {
      // Fail closed: a resource reached without authentication answers as unauthenticated.
      throw new ServerException(ServerErrorCode.UNAUTHENTICATED, "no credentials");
    }
    return caller;
  }
}
