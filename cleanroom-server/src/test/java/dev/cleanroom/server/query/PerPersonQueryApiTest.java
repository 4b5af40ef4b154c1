package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A question about people over HTTP: a per-person sub-query (visits per visitor) answered as a
 * frequency distribution, and an unclamped frequency refused with how to clamp it.
 */
@QuarkusTest
class PerPersonQueryApiTest {
  private static final int VISITORS_PER_FREQUENCY = 40;

  @Test
  void frequencyDistribution_isAnsweredPerFrequencyBucket() {
    Collaboration room = visitsRoom();
    List<List<Object>> rows =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "sql",
                    "SELECT LEAST(n, 5) AS frequency, COUNT(*) AS people FROM (SELECT visitor_id,"
                        + " COUNT(*) AS n FROM advertiser.visits GROUP BY visitor_id) AS per_visitor"
                        + " GROUP BY LEAST(n, 5)"))
            .post(room.path() + "/queries")
            .then()
            .statusCode(200)
            .body("columns[0].name", equalTo("frequency"))
            .body("columns[1].name", equalTo("people"))
            .extract()
            .jsonPath()
            .getList("rows");
    List<Integer> frequencies = new ArrayList<>();
    for (List<Object> row : rows) {
      frequencies.add(((Number) row.get(0)).intValue());
      int people = ((Number) row.get(1)).intValue();
      // Epsilon 10 over three shares: the noise is a few people at most.
      assertTrue(Math.abs(people - VISITORS_PER_FREQUENCY) <= 10, rows.toString());
    }
    assertEquals(List.of(1, 2, 3), frequencies);
  }

  @Test
  void unclampedFrequencyAsGroupKey_isRefusedWithHowToBoundIt() {
    Collaboration room = visitsRoom();
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "sql",
                "SELECT n, COUNT(*) AS people FROM (SELECT visitor_id, COUNT(*) AS n FROM"
                    + " advertiser.visits GROUP BY visitor_id) AS per_visitor GROUP BY n"))
        .post(room.path() + "/queries")
        .then()
        .statusCode(422)
        .body("violations[0].code", equalTo("PER_PERSON_VALUE_UNBOUNDED"))
        .body("violations[0].message", containsString("LEAST(n, 10)"));
  }

  /** Visitors who visited once, twice and three times, 40 of each. */
  private static Collaboration visitsRoom() {
    Collaboration room = Api.newCollaboration();
    room.declare(
        "advertiser",
        "visits",
        List.of(
            Map.of("name", "visitor_id", "type", "BIGINT"),
            Map.of("name", "page", "type", "VARCHAR")));
    room.approvePolicy(
        "visits",
        """
        {
          "table": "advertiser.visits",
          "columns": [
            {"name": "visitor_id", "type": "BIGINT", "class": "PRIVACY_UNIT"},
            {"name": "page", "type": "VARCHAR", "class": "DIMENSION"}
          ],
          "allowedJoins": [],
          "minimumDistinctUnits": 10,
          "privacy": {
            "epsilonPerQuery": 10,
            "delta": 1e-6,
            "maxGroupsContributed": 1,
            "maxContributionsPerGroup": 1,
            "budget": 1000,
            "budgetRefresh": "NONE",
            "releaseRemainder": false
          },
          "allowedAnalysts": ["advertiser"]
        }
        """,
        1);
    StringBuilder csv = new StringBuilder("visitor_id,page\n");
    long visitor = 1;
    for (int frequency = 1; frequency <= 3; frequency++) {
      for (int i = 0; i < VISITORS_PER_FREQUENCY; i++, visitor++) {
        for (int visit = 0; visit < frequency; visit++) {
          csv.append(visitor).append(",home\n");
        }
      }
    }
    room.as("advertiser")
        .contentType("text/csv")
        .body(csv.toString())
        .put(room.path() + "/datasets/visits/data")
        .then()
        .statusCode(200);
    return room;
  }
}
