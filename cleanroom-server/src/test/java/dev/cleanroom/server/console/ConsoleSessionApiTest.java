package dev.cleanroom.server.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.MovableClock;
import dev.cleanroom.server.auth.ConsoleSessions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The console's session over real HTTP: sign-in with a member's key, the cookie's attributes, the
 * CSRF token on every change made with the cookie, idle expiry, sign-out and revoked keys.
 */
@QuarkusTest
class ConsoleSessionApiTest {
  private static final String SESSION = "/api/v1/console/session";
  private static final String COOKIE = "cleanroom_session";

  @Inject MovableClock clock;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  /** A signed-in browser: its session cookie and CSRF token. */
  record Browser(String sessionId, String csrfToken) {
    RequestSpecification request() {
      return given().cookie(COOKIE, sessionId);
    }

    RequestSpecification change() {
      return request().header("X-CSRF-Token", csrfToken);
    }
  }

  private static Response signIn(String key) {
    return given().contentType(ContentType.JSON).body(Map.of("apiKey", key)).post(SESSION);
  }

  private static Browser signedIn(String key) {
    Response response = signIn(key);
    response.then().statusCode(200);
    return new Browser(response.getCookie(COOKIE), response.jsonPath().getString("csrfToken"));
  }

  @Test
  void signIn_withMembersKey_setsAStrictHttpOnlyCookieAndAnswersTheMemberAndToken() {
    Collaboration room = Api.newCollaboration();
    Response response = signIn(room.keys().get("advertiser"));

    response
        .then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .body("signedIn", equalTo(true))
        .body("member", equalTo("advertiser"))
        .body("collaboration", equalTo(room.name()))
        .body("roles", equalTo(List.of("PROVIDER", "ANALYST")))
        .body("idleTimeoutSeconds", equalTo(1800))
        .body("csrfToken", matchesPattern("[A-Za-z0-9_-]{43}"));
    String setCookie = response.getHeader("Set-Cookie");
    assertTrue(setCookie.matches(COOKIE + "=[A-Za-z0-9_-]{43}; .*"), setCookie);
    assertTrue(setCookie.contains("; Path=/"), setCookie);
    assertTrue(setCookie.contains("; HttpOnly"), setCookie);
    assertTrue(setCookie.contains("; SameSite=Strict"), setCookie);
    // %test.cleanroom.console.secure-cookie=false: the tests speak plain HTTP.
    assertFalse(setCookie.contains("Secure"), setCookie);
    assertEquals(32, Base64.getUrlDecoder().decode(response.getCookie(COOKIE)).length);

    Browser browser = new Browser(response.getCookie(COOKIE), response.jsonPath().get("csrfToken"));
    browser.request().get(room.path()).then().statusCode(200).body("name", equalTo(room.name()));
    browser
        .request()
        .get(SESSION)
        .then()
        .statusCode(200)
        .body("member", equalTo("advertiser"))
        .body("csrfToken", equalTo(browser.csrfToken()));
  }

  @Test
  void twoSignIns_getDifferentSessionsAndTokens() {
    Collaboration room = Api.newCollaboration();
    Browser one = signedIn(room.keys().get("retailer"));
    Browser two = signedIn(room.keys().get("retailer"));
    assertNotEquals(one.sessionId(), two.sessionId());
    assertNotEquals(one.csrfToken(), two.csrfToken());
  }

  @Test
  void aMembersSessionsBeyondTheLimit_endTheLeastRecentlyUsed() {
    Collaboration room = Api.newCollaboration();
    String key = room.keys().get("retailer");
    Browser oldest = signedIn(key);
    clock.moveAhead(Duration.ofSeconds(1));
    Browser idle = signedIn(key);
    for (int i = 2; i < ConsoleSessions.MAX_SESSIONS_PER_MEMBER; i++) {
      clock.moveAhead(Duration.ofSeconds(1));
      signedIn(key);
    }
    // The oldest session is in use again: the second one is now the least recently used.
    clock.moveAhead(Duration.ofSeconds(1));
    oldest.request().get(room.path()).then().statusCode(200);
    Browser other = signedIn(room.keys().get("advertiser"));

    // One more sign-in: the retailer's least recently used session ends; the others live.
    clock.moveAhead(Duration.ofSeconds(1));
    Browser newest = signedIn(key);
    idle.request().get(room.path()).then().statusCode(401);
    oldest.request().get(room.path()).then().statusCode(200);
    newest.request().get(room.path()).then().statusCode(200);
    other.request().get(room.path()).then().statusCode(200);
  }

  @Test
  void signIn_withWrongKey_refused401WithoutCookie() {
    Response response = signIn("crk_not-a-key-of-anyone");
    response
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("code", equalTo("UNAUTHENTICATED"))
        .body("detail", equalTo("the API key is not valid"))
        .body("detail", not(containsString("crk_not")));
    assertEquals(null, response.getHeader("Set-Cookie"));
  }

  @Test
  void signIn_withoutKey_refused400_operatorKey_refused403_demoKeyOutsideDemo_refused401() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of())
        .post(SESSION)
        .then()
        .statusCode(400)
        .body("detail", equalTo("field 'apiKey' is required"));
    signIn(Api.OPERATOR_KEY)
        .then()
        .statusCode(403)
        .body(
            "detail",
            equalTo(
                "the console signs in members of a collaboration; the operator key is for the API"
                    + " only"));
    signIn("demo-advertiser-key")
        .then()
        .statusCode(401)
        .body(
            "detail", equalTo("demo keys are accepted only by a server running the demo profile"));
  }

  @Test
  void signIn_fromAForm_refused415_soAnotherSiteCannotSignABrowserIn() {
    Collaboration room = Api.newCollaboration();
    Response response =
        given()
            .contentType("application/x-www-form-urlencoded")
            .formParam("apiKey", room.keys().get("retailer"))
            .post(SESSION);
    response.then().statusCode(415).contentType("application/problem+json");
    assertEquals(null, response.getHeader("Set-Cookie"));
  }

  @Test
  void noSession_sessionReadsSignedOut_andApiRefuses401() {
    given()
        .get(SESSION)
        .then()
        .statusCode(200)
        .body("signedIn", equalTo(false))
        .body("member", nullValue());
    Collaboration room = Api.newCollaboration();
    given()
        .cookie(COOKIE, "forged-session-id")
        .get(room.path())
        .then()
        .statusCode(401)
        .body("detail", equalTo("the console session has ended or does not exist; sign in again"));
  }

  @Test
  void forgedPost_withoutOrWithWrongCsrfToken_refused403_andNothingDeclared() {
    Collaboration room = Api.newCollaboration();
    Browser browser = signedIn(room.keys().get("retailer"));
    Map<String, Object> declaration =
        Map.of("name", "stores", "columns", List.of(Map.of("name", "id", "type", "BIGINT")));

    browser
        .request()
        .contentType(ContentType.JSON)
        .body(declaration)
        .post(room.path() + "/datasets")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/csrf-token-missing"))
        .body("code", equalTo("CSRF_TOKEN_MISSING"))
        .body(
            "detail",
            equalTo(
                "a request that changes state with the console's session cookie must carry the"
                    + " session's token in the 'X-CSRF-Token' header"));
    browser
        .request()
        .header("X-CSRF-Token", signedIn(room.keys().get("retailer")).csrfToken())
        .contentType(ContentType.JSON)
        .body(declaration)
        .post(room.path() + "/datasets")
        .then()
        .statusCode(403)
        .body("type", equalTo("https://cleanroom.dev/problems/csrf-token-mismatch"))
        .body("code", equalTo("CSRF_TOKEN_MISMATCH"))
        .body("detail", equalTo("the 'X-CSRF-Token' header is not this session's token"));
    room.as("retailer")
        .get(room.path())
        .then()
        .statusCode(200)
        .body("datasets.name", not(hasItem("stores")));
    assertTrue(room.auditEvents("DATASET_DECLARED").isEmpty());

    browser
        .change()
        .contentType(ContentType.JSON)
        .body(declaration)
        .post(room.path() + "/datasets")
        .then()
        .statusCode(201);
    room.as("retailer")
        .get(room.path())
        .then()
        .statusCode(200)
        .body("datasets.name", hasItem("stores"));
  }

  @Test
  void forgedSignOut_withoutCsrfToken_refused403_sessionLives() {
    Collaboration room = Api.newCollaboration();
    Browser browser = signedIn(room.keys().get("privacy"));
    browser
        .request()
        .delete(SESSION)
        .then()
        .statusCode(403)
        .body("code", equalTo("CSRF_TOKEN_MISSING"));
    browser.request().get(room.path()).then().statusCode(200);
  }

  @Test
  void bearerKey_needsNoCsrfToken() {
    Collaboration room = Api.newCollaboration();
    room.declare("retailer", "stores", List.of(Map.of("name", "id", "type", "BIGINT")));
  }

  @Test
  void sessionIdleLongerThanTheTimeout_refused401_andReadsSignedOut() {
    Collaboration room = Api.newCollaboration();
    Browser browser = signedIn(room.keys().get("advertiser"));
    clock.moveAhead(Duration.ofMinutes(29));
    browser.request().get(room.path()).then().statusCode(200);
    // Each use restarts the idle time: 29 more minutes are still within it.
    clock.moveAhead(Duration.ofMinutes(29));
    browser.request().get(room.path()).then().statusCode(200);

    clock.moveAhead(Duration.ofMinutes(30));
    browser
        .request()
        .get(room.path())
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer")
        .body("detail", equalTo("the console session has ended or does not exist; sign in again"));
    browser.request().get(SESSION).then().statusCode(200).body("signedIn", equalTo(false));
    clock.reset();
    browser.request().get(room.path()).then().statusCode(401);
  }

  @Test
  void signOut_endsTheSessionAndClearsTheCookie() {
    Collaboration room = Api.newCollaboration();
    Browser browser = signedIn(room.keys().get("privacy"));
    Response response = browser.change().delete(SESSION);
    response.then().statusCode(204);
    assertTrue(response.getHeader("Set-Cookie").startsWith(COOKIE + "=; Path=/; HttpOnly"));
    assertTrue(response.getHeader("Set-Cookie").endsWith("; Max-Age=0"));
    browser.request().get(room.path()).then().statusCode(401);
    browser.request().get(SESSION).then().body("signedIn", equalTo(false));
  }

  @Test
  void revokingTheKey_endsItsSessions() {
    Collaboration room = Api.newCollaboration();
    String key = room.keys().get("retailer");
    Browser browser = signedIn(key);
    browser.request().get(room.path()).then().statusCode(200);

    Api.as(Api.OPERATOR_KEY)
        .delete(room.path() + "/members/retailer/keys/" + key.substring(0, 12))
        .then()
        .statusCode(200);

    browser.request().get(room.path()).then().statusCode(401);
  }

  @Test
  void consolePagesAndApiAnswers_carryTheStrictContentSecurityPolicy() {
    String policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    for (String path : List.of("/", "/console/main.js", "/console/console.css", SESSION)) {
      given()
          .get(path)
          .then()
          .statusCode(200)
          .header("Content-Security-Policy", policy)
          .header("X-Content-Type-Options", "nosniff")
          .header("Referrer-Policy", "no-referrer");
    }
    given()
        .get("/")
        .then()
        .contentType(containsString("text/html"))
        .body(containsString("<script type=\"module\" src=\"/console/main.js\"></script>"))
        .body(not(containsString("<script>")))
        .body(not(containsString("style=")))
        .body(not(containsString(" onclick=")));
    given()
        .get("/webjars/echarts/5.3.1/dist/echarts.esm.min.js")
        .then()
        .statusCode(200)
        .header("Content-Security-Policy", policy);
  }
}
