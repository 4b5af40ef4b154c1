package dev.cleanroom.server.flight;

import dev.cleanroom.server.auth.ApiKeyAuthenticator;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.problem.ServerException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/**
 * Authenticates every Flight call by its API key, through the same {@link ApiKeyAuthenticator} as
 * the REST API, and holds the caller for the producer. The key travels as {@code authorization:
 * Bearer <key>}; basic authentication (any user name, the key as password) is accepted too, for
 * tools that only have a user and password field, and is answered with the same key as bearer token
 * so the client sends that from then on. No session token is ever issued: the key is checked on
 * every call, so a revoked key stops working at once. A call may carry a {@code purpose} header:
 * its queries are asked for that purpose, as REST's request field.
 */
final class FlightCaller implements FlightServerMiddleware {
  static final Key<FlightCaller> KEY = Key.of("cleanroom-caller");

  /** The call header naming the purpose a query is asked for (docs/GOVERNANCE.md). */
  static final String PURPOSE_HEADER = "purpose";

  private final Authenticated authenticated;
  private final String purpose;

  private FlightCaller(Authenticated authenticated, String purpose) {
    this.authenticated = authenticated;
    this.purpose = purpose;
  }

  Caller caller() {
    return authenticated.caller();
  }

  /**
   * The purpose the call's queries are asked for (its {@code purpose} header, checked by the query
   * service like REST's), or null when it declares none.
   */
  String purpose() {
    return purpose;
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {
    authenticated.appendToOutgoingHeaders(outgoingHeaders);
  }

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  /** An authenticated caller, and the bearer token a basic-auth handshake answers with. */
  record Authenticated(Caller caller, String bearerKey)
      implements CallHeaderAuthenticator.AuthResult {
    @Override
    public String getPeerIdentity() {
      return caller.operator() ? "operator" : caller.collaboration() + "/" + caller.member();
    }

    @Override
    public void appendToOutgoingHeaders(CallHeaders outgoingHeaders) {
      if (bearerKey != null) {
        outgoingHeaders.insert(
            Auth2Constants.AUTHORIZATION_HEADER, Auth2Constants.BEARER_PREFIX + bearerKey);
      }
    }
  }

  /** Maps the {@code authorization} header to a caller, or refuses as unauthenticated. */
  static final class ApiKeyHeaderAuthenticator implements CallHeaderAuthenticator {
    private final ApiKeyAuthenticator keys;

    ApiKeyHeaderAuthenticator(ApiKeyAuthenticator keys) {
      this.keys = keys;
    }

    @Override
    public Authenticated authenticate(CallHeaders incomingHeaders) {
      String header = incomingHeaders.get(Auth2Constants.AUTHORIZATION_HEADER);
      if (header == null) {
        throw refused("an 'authorization: Bearer <api key>' header is required");
      }
      if (startsWith(header, Auth2Constants.BEARER_PREFIX)) {
        return new Authenticated(
            authenticate(header.substring(Auth2Constants.BEARER_PREFIX.length())), null);
      }
      if (startsWith(header, Auth2Constants.BASIC_PREFIX)) {
        String key = basicPassword(header.substring(Auth2Constants.BASIC_PREFIX.length()));
        return new Authenticated(authenticate(key), key.trim());
      }
      throw refused("the authorization header must be 'Bearer <api key>' or Basic");
    }

    private Caller authenticate(String key) {
      try {
        return keys.authenticate(key);
      } catch (ServerException refused) {
        throw refused(refused.getMessage());
      }
    }

    private static String basicPassword(String encoded) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw refused("the basic credentials are not valid Base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw refused("the basic credentials have no password; the password is the API key");
      }
      return decoded.substring(colon + 1);
    }

    private static boolean startsWith(String header, String prefix) {
      return header.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static RuntimeException refused(String detail) {
      return CallStatus.UNAUTHENTICATED
          .withDescription("Missing or invalid credentials: " + detail)
          .toRuntimeException();
    }
  }

  /** Authenticates a call as it starts; a refusal ends it before the producer sees it. */
  static final class Factory implements FlightServerMiddleware.Factory<FlightCaller> {
    private final ApiKeyHeaderAuthenticator authenticator;

    Factory(ApiKeyAuthenticator keys) {
      this.authenticator = new ApiKeyHeaderAuthenticator(keys);
    }

    @Override
    public FlightCaller onCallStarted(
        CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      Authenticated authenticated = authenticator.authenticate(incomingHeaders);
      context.put(Auth2Constants.PEER_IDENTITY_KEY, authenticated.getPeerIdentity());
      return new FlightCaller(authenticated, incomingHeaders.get(PURPOSE_HEADER));
    }
  }
}
