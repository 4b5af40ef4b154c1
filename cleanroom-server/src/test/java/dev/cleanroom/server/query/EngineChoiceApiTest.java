package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The engine choice over real HTTP, on a server whose setting is {@code spark} and whose Spark
 * never answers: a query chosen for Spark is a 503 before anything is charged, audited so; a
 * collaboration's own setting overrides the server's; {@code auto} follows the marks stored with
 * the versions (here every version is marked: the threshold is 64 rows); the answer, its headers,
 * explain and the audit name the engine.
 */
@QuarkusTest
@TestProfile(EngineChoiceApiTest.SparkUnreachable.class)
class EngineChoiceApiTest {
  /** The server runs every query on a Spark that never answers. */
  public static class SparkUnreachable implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(UnreachableSpark.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cleanroom.query.engine", "spark", "cleanroom.query.spark-threshold-rows", "64");
    }
  }

  @Inject Jdbc jdbc;

  @Test
  void sparkUnreachable_503BeforeAnyEpsilonMoves_auditedAsRefused() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    room.as("advertiser").get(room.path()).then().body("engine", equalTo("spark"));

    QueryStoryTest.ask(room, QueryStoryTest.REACH)
        .statusCode(503)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/engine-unavailable"))
        .body("title", equalTo("The query engine is unavailable"))
        .body("code", equalTo("ENGINE_UNAVAILABLE"))
        .body(
            "detail",
            equalTo(
                "the Spark engine that runs this collaboration's queries cannot be reached now;"
                    + " nothing was charged, ask again later"))
        .body(not(containsString("127.0.0.1")));

    assertEquals(0, UnreachableSpark.EXECUTIONS.get());
    assertEquals(List.of(), QueryFailureAfterExecutionTest.reservations(jdbc, room.name()));
    room.as("advertiser")
        .get(room.path() + "/budget")
        .then()
        .statusCode(200)
        .body("datasets.spent.collect { it.toString() }", equalTo(List.of("0", "0")));
    List<Map<String, Object>> refused = room.auditEvents("QUERY_REFUSED");
    assertEquals(1, refused.size(), refused.toString());
    assertEquals("ENGINE_UNAVAILABLE", refused.get(0).get("outcome"));
    assertTrue(
        refused.get(0).get("detail").toString().endsWith("code=ENGINE_UNAVAILABLE engine=spark"),
        refused.toString());
    assertEquals(List.of(), room.auditEvents("QUERY_ANSWERED"));
    assertEquals(List.of(), room.auditEvents("QUERY_FAILED"));
    room.as("privacy").get(room.path() + "/audit/verify").then().body("valid", equalTo(true));
  }

  @Test
  void collaborationSetToVectorized_answersInTheProcess_andEveryReportNamesTheEngine() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    setEngine(room.name(), "vectorized").then().statusCode(204);
    room.as("retailer")
        .get(room.path())
        .then()
        .body("engine", equalTo("vectorized"))
        .body("engineSource", equalTo("collaboration"));

    explain(room).body("engine", equalTo("vectorized"));
    QueryStoryTest.ask(room, QueryStoryTest.REACH)
        .statusCode(200)
        .body("privacy.engine", equalTo("vectorized"));
    Response csv =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept("text/csv")
            .body(Map.of("sql", QueryStoryTest.REACH.replace(" ORDER BY reach DESC", "")))
            .post(room.path() + "/queries");
    assertEquals(200, csv.statusCode());
    assertEquals("vectorized", csv.header("Cleanroom-Engine"));
    assertTrue(csv.header("Cleanroom-Privacy").contains("\"engine\":\"vectorized\""));
    List<Map<String, Object>> answered = room.auditEvents("QUERY_ANSWERED");
    assertEquals(2, answered.size(), answered.toString());
    answered.forEach(
        event ->
            assertTrue(
                event.get("detail").toString().contains(" engine=vectorized "), event.toString()));
    assertEquals(1, room.auditEvents("COLLABORATION_ENGINE_SET").size());
  }

  @Test
  void autoOverMarkedVersions_runsOnSpark_soIsUnavailableHere() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    setEngine(room.name(), "auto").then().statusCode(204);

    explain(room).body("engine", equalTo("spark"));
    QueryStoryTest.ask(room, QueryStoryTest.REACH)
        .statusCode(503)
        .body("code", equalTo("ENGINE_UNAVAILABLE"));
    QueryStoryTest.budgetOfCustomers(room, "0");
  }

  @Test
  void engineGivenAtCreation_isTheCollaborationsOwn_untilSetBackToTheServers() {
    Map<String, Object> body = new HashMap<>();
    String name = "engine_" + System.nanoTime() % 1_000_000_000L;
    body.put("name", name);
    body.put("members", List.of(Map.of("name", "advertiser", "roles", List.of("ANALYST"))));
    body.put("engine", "auto");
    String key =
        Api.as(Api.OPERATOR_KEY)
            .contentType(ContentType.JSON)
            .body(body)
            .post("/api/v1/collaborations")
            .then()
            .statusCode(201)
            .extract()
            .path("members[0].apiKey");
    Api.as(key)
        .get("/api/v1/collaborations/" + name)
        .then()
        .body("engine", equalTo("auto"))
        .body("engineSource", equalTo("collaboration"));

    Map<String, Object> serversAgain = new HashMap<>();
    serversAgain.put("engine", null);
    Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(serversAgain)
        .put("/api/v1/collaborations/" + name + "/engine")
        .then()
        .statusCode(204);
    Api.as(key)
        .get("/api/v1/collaborations/" + name)
        .then()
        .body("engine", equalTo("spark"))
        .body("engineSource", equalTo("server"));
  }

  @Test
  void engineSetting_onlyKnownEngines_onlyTheOperator_onlyExistingCollaborations() {
    Collaboration room = Api.newCollaboration();
    setEngine(room.name(), "duckdb")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body(
            "detail",
            equalTo(
                "'engine' must be one of vectorized, spark, auto, or null for the"
                    + " server's setting"));
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("engine", "vectorized"))
        .put(room.path() + "/engine")
        .then()
        .statusCode(403);
    setEngine("no_such_room", "auto").then().statusCode(404);
    room.as("advertiser").get(room.path()).then().body("engineSource", equalTo("server"));
  }

  private static Response setEngine(String collaboration, String engine) {
    return Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(Map.of("engine", engine))
        .put("/api/v1/collaborations/" + collaboration + "/engine");
  }

  private static io.restassured.response.ValidatableResponse explain(Collaboration room) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", QueryStoryTest.REACH))
        .post(room.path() + "/queries/explain")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(true));
  }
}
