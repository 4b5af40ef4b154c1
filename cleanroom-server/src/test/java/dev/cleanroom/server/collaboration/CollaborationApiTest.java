package dev.cleanroom.server.collaboration;

import static dev.cleanroom.server.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CollaborationApiTest {

  @Test
  void operatorCreatesCollaboration_eachMemberGetsAKeyThatWorks() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration
        .as("advertiser")
        .get(collaboration.path())
        .then()
        .statusCode(200)
        .body("name", equalTo(collaboration.name()))
        .body("members.name", hasItems("retailer", "advertiser", "privacy"))
        .body("members.find { it.name == 'advertiser' }.roles", hasItems("PROVIDER", "ANALYST"))
        .body("datasets", hasSize(0));
    org.junit.jupiter.api.Assertions.assertTrue(
        collaboration.keys().get("retailer").startsWith("crk_"));
  }

  @Test
  void memberKeyCreatesCollaboration_forbidden() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration
        .as("privacy")
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "name",
                "other",
                "members",
                List.of(Map.of("name", "a", "roles", List.of("ANALYST")))))
        .post("/api/v1/collaborations")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("status", equalTo(403));
  }

  @Test
  void sameNameTwice_conflict() {
    Collaboration collaboration = Api.newCollaboration();
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "name",
                collaboration.name(),
                "members",
                List.of(Map.of("name", "a", "roles", List.of("ANALYST")))))
        .post("/api/v1/collaborations")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString(collaboration.name()));
  }

  @Test
  void noCredentials_unauthorized() {
    Collaboration collaboration = Api.newCollaboration();
    given()
        .get(collaboration.path())
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", "Bearer");
  }

  @Test
  void unknownKey_unauthorized() {
    Collaboration collaboration = Api.newCollaboration();
    as("crk_not-a-key").get(collaboration.path()).then().statusCode(401);
  }

  @Test
  void demoKeyOutsideDemoProfile_unauthorized() {
    as("demo-advertiser-key")
        .get("/api/v1/collaborations/demo")
        .then()
        .statusCode(401)
        .body("detail", containsString("demo profile"));
  }

  @Test
  void memberOfAnotherCollaboration_forbidden() {
    Collaboration first = Api.newCollaboration();
    Collaboration second = Api.newCollaboration();
    first.as("advertiser").get(second.path()).then().statusCode(403);
  }

  @Test
  void unknownField_badRequestNamingTheField() {
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(
            "{\"name\": \"x1\", \"colour\": \"red\","
                + " \"members\": [{\"name\": \"a\", \"roles\": [\"ANALYST\"]}]}")
        .post("/api/v1/collaborations")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("'colour'"));
  }

  @Test
  void malformedJson_badRequestWithoutEchoingInput() {
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body("{\"name\": \"secret-value-123\", ")
        .post("/api/v1/collaborations")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", startsWith("https://cleanroom.dev/problems/"))
        .body("detail", not(containsString("secret-value-123")));
  }

  @Test
  void invalidMemberName_badRequestWithoutEchoingIt() {
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "name",
                "okname",
                "members",
                List.of(Map.of("name", "Bad Name!", "roles", List.of("ANALYST")))))
        .post("/api/v1/collaborations")
        .then()
        .statusCode(400)
        .body("detail", containsString("members.name"))
        .body("detail", not(containsString("Bad Name!")));
  }

  @Test
  void memberNamedLikeTheAuditsSystemActors_refused() {
    for (String reserved : List.of("operator", "server")) {
      as(Api.OPERATOR_KEY)
          .contentType(ContentType.JSON)
          .body(
              Map.of(
                  "name",
                  "reserved_" + reserved,
                  "members",
                  List.of(Map.of("name", reserved, "roles", List.of("PROVIDER")))))
          .post("/api/v1/collaborations")
          .then()
          .statusCode(422)
          .body(
              "detail",
              equalTo(
                  "'members.name' must not be '"
                      + reserved
                      + "': the audit log's name for the "
                      + reserved));
    }
  }

  @Test
  void unknownRole_badRequest() {
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "name",
                "okname2",
                "members",
                List.of(Map.of("name", "a", "roles", List.of("ADMIN")))))
        .post("/api/v1/collaborations")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void missingBody_badRequest() {
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .post("/api/v1/collaborations")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void wrongContentType_unsupportedMediaType() {
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.XML)
        .body("<collaboration/>")
        .post("/api/v1/collaborations")
        .then()
        .statusCode(415)
        .contentType("application/problem+json");
  }

  @Test
  void oversizedBody_payloadTooLarge() {
    String big = "{\"name\": \"" + "a".repeat(70_000) + "\"}";
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(big)
        .post("/api/v1/collaborations")
        .then()
        .statusCode(413)
        .contentType("application/problem+json");
  }

  @Test
  void unknownPath_notFoundAsProblem() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration
        .as("advertiser")
        .get(collaboration.path() + "/nothing-here")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("trace", nullValue());
  }

  @Test
  void openApiAndSwaggerUi_needNoCredentials() {
    given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/collaborations"));
    given().redirects().follow(true).get("/q/swagger-ui/").then().statusCode(200);
  }

  @Test
  void withoutASparkEngine_onlyTheVectorizedSettingIsAccepted_andTheServersIsShown() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration
        .as("advertiser")
        .get(collaboration.path())
        .then()
        .body("engine", equalTo("vectorized"))
        .body("engineSource", equalTo("server"));
    for (String engine : List.of("spark", "auto")) {
      as(Api.OPERATOR_KEY)
          .contentType(ContentType.JSON)
          .body(Map.of("engine", engine))
          .put(collaboration.path() + "/engine")
          .then()
          .statusCode(422)
          .contentType("application/problem+json")
          .body(
              "detail",
              equalTo(
                  "'engine' "
                      + engine
                      + " needs a Spark engine, and this server has none"
                      + " (cleanroom.spark.remote or cleanroom.spark.embedded)"));
    }
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "name",
                collaboration.name() + "_spark",
                "members",
                List.of(Map.of("name", "advertiser", "roles", List.of("ANALYST"))),
                "engine",
                "spark"))
        .post("/api/v1/collaborations")
        .then()
        .statusCode(422);
    as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(Map.of("engine", "vectorized"))
        .put(collaboration.path() + "/engine")
        .then()
        .statusCode(204);
    collaboration
        .as("advertiser")
        .get(collaboration.path())
        .then()
        .body("engine", equalTo("vectorized"))
        .body("engineSource", equalTo("collaboration"));
  }
}
