package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real Spark engine, configured with a Spark Connect server that is down: a query is a 503
 * problem before any epsilon is reserved, and the budget reads as before.
 */
@QuarkusTest
@TestProfile(SparkRemoteDownApiTest.RemoteDown.class)
class SparkRemoteDownApiTest {
  /** Every query on Spark, at a loopback port where nothing listens. */
  public static class RemoteDown implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cleanroom.query.engine",
          "spark",
          "cleanroom.spark.remote",
          "sc://127.0.0.1:" + freePort());
    }
  }

  @Inject Jdbc jdbc;

  @Test
  void sparkRemoteDown_503_budgetUnchanged() {
    Collaboration room = QueryStoryTest.loadedRoom("10");

    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", QueryStoryTest.REACH))
        .post(room.path() + "/queries")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/engine-unavailable"))
        .body("code", equalTo("ENGINE_UNAVAILABLE"));

    assertEquals(List.of(), QueryFailureAfterExecutionTest.reservations(jdbc, room.name()));
    room.as("advertiser")
        .get(room.path() + "/budget")
        .then()
        .statusCode(200)
        .body("datasets.spent.collect { it.toString() }", equalTo(List.of("0", "0")));
    List<Map<String, Object>> refused = room.auditEvents("QUERY_REFUSED");
    assertEquals(1, refused.size(), refused.toString());
    assertEquals("ENGINE_UNAVAILABLE", refused.get(0).get("outcome"));
    assertEquals(List.of(), room.auditEvents("QUERY_FAILED"));
  }

  /** A loopback port that was free a moment ago, so nothing answers there. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
