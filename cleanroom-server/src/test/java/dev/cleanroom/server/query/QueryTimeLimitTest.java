package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A query that runs past {@code cleanroom.query.timeout} is given up: a problem that says so and
 * names no data, its epsilon stays spent (how long a query runs may depend on the data), and the
 * audit log records the failure.
 */
@QuarkusTest
@TestProfile(QueryTimeLimitTest.OneMillisecond.class)
class QueryTimeLimitTest {
  /** No query over real data finishes loading and executing within a millisecond. */
  public static class OneMillisecond implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("cleanroom.query.timeout", "1ms");
    }
  }

  @Test
  void queryPastItsTimeLimit_failsWithAProblem_andItsEpsilonStaysSpent() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    QueryStoryTest.ask(room, QueryStoryTest.REACH)
        .statusCode(500)
        .contentType("application/problem+json")
        .body("code", equalTo("QUERY_FAILED"))
        .body("detail", equalTo("the query did not finish within its time limit"));

    room.as("advertiser")
        .get(room.path() + "/budget")
        .then()
        .statusCode(200)
        .body(
            "datasets.find { it.dataset == 'retailer.customers' }.spent.toString()",
            equalTo("0.5"));
    room.as("privacy")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .statusCode(200)
        .body("events.action", hasItem("QUERY_FAILED"))
        .body("events.action", not(hasItem("QUERY_ANSWERED")));
  }
}
