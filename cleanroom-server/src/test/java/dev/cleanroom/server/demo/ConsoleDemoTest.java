package dev.cleanroom.server.demo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's "Console": in the demo, the demo keys sign in at once, over plain HTTP. */
@QuarkusTest
@TestProfile(DemoProfileTest.Demo.class)
class ConsoleDemoTest {
  @Test
  void demoKeys_signIn_withACookieThatIsNotSecureOnlyInTheDemo() {
    for (String member : List.of("privacy", "retailer", "advertiser")) {
      Response response =
          given()
              .contentType(ContentType.JSON)
              .body(Map.of("apiKey", "demo-" + member + "-key"))
              .post("/api/v1/console/session");
      response.then().statusCode(200).body("member", equalTo(member));
      String cookie = response.getHeader("Set-Cookie");
      assertTrue(cookie.contains("; HttpOnly; SameSite=Strict"), cookie);
      assertFalse(cookie.contains("Secure"), "the demo runs on http://localhost: " + cookie);
      given()
          .cookie("cleanroom_session", response.getCookie("cleanroom_session"))
          .get("/api/v1/collaborations/demo")
          .then()
          .statusCode(200)
          .body("datasets.table", hasItems("retailer.customers", "advertiser.impressions"));
    }
    given()
        .get("/")
        .then()
        .statusCode(200)
        .contentType(org.hamcrest.Matchers.containsString("text/html"));
  }
}
