package dev.cleanroom.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.Test;

/**
 * A DATE group key (from {@code CAST(ts AS DATE)}) comes out as a date in JSON, CSV and Arrow, and
 * a conditional reach ({@code FILTER} with {@code LIKE}) as a count, over real HTTP.
 */
@QuarkusTest
class DateAndConditionalAnswersApiTest {
  private static final List<String> DAYS = List.of("2026-01-05", "2026-01-06", "2026-01-07");
  private static final int VISITORS_PER_DAY = 40;

  private static final String REACH_BY_DAY =
      "SELECT CAST(ts AS DATE) AS visit_day,"
          + " COUNT(DISTINCT visitor_id) FILTER (WHERE campaign LIKE 'spring%') AS spring_reach,"
          + " COUNT(DISTINCT visitor_id) AS reach"
          + " FROM advertiser.visits GROUP BY CAST(ts AS DATE)";

  @Test
  void dateGroupKeyAndConditionalReach_renderedAsDatesAndCountsInEveryFormat() throws Exception {
    Collaboration room = Api.newCollaboration();
    room.declare(
        "advertiser",
        "visits",
        List.of(
            Map.of("name", "visitor_id", "type", "BIGINT"),
            Map.of("name", "ts", "type", "TIMESTAMP"),
            Map.of("name", "campaign", "type", "VARCHAR")));
    room.approvePolicy("visits", policy(), 1);
    upload(room);

    Response json = ask(room, "application/json");
    assertEquals(
        List.of("DATE", "BIGINT", "BIGINT"), json.jsonPath().getList("columns.type", String.class));
    List<List<Object>> rows = json.jsonPath().getList("rows");
    assertEquals(DAYS, rows.stream().map(row -> String.valueOf(row.get(0))).toList());
    for (List<Object> row : rows) {
      long springReach = ((Number) row.get(1)).longValue();
      long reach = ((Number) row.get(2)).longValue();
      // Half of each day's visitors saw a spring campaign; the noise at epsilon 10 is far below 8.
      assertTrue(Math.abs(springReach - VISITORS_PER_DAY / 2) <= 8, row.toString());
      assertTrue(Math.abs(reach - VISITORS_PER_DAY) <= 8, row.toString());
    }

    String[] csv = ask(room, "text/csv").asString().split("\r\n");
    List<String> csvDays = new ArrayList<>();
    for (String line : Arrays.asList(csv).subList(1, csv.length)) {
      csvDays.add(line.split(",")[0]);
    }
    assertEquals(DAYS, csvDays);

    List<String> arrowDays = new ArrayList<>();
    byte[] arrow = ask(room, "application/vnd.apache.arrow.stream").asByteArray();
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(arrow), allocator)) {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        DateDayVector days = (DateDayVector) batch.getVector(0);
        for (int i = 0; i < batch.getRowCount(); i++) {
          arrowDays.add(LocalDate.ofEpochDay(days.get(i)).toString());
        }
      }
    }
    assertEquals(DAYS, arrowDays);
  }

  /** Each visitor visits once; odd visitors saw a spring campaign, even ones a winter one. */
  private static void upload(Collaboration room) {
    StringBuilder csv = new StringBuilder("visitor_id,ts,campaign\n");
    long visitor = 1;
    for (String day : DAYS) {
      for (int i = 0; i < VISITORS_PER_DAY; i++, visitor++) {
        csv.append(visitor)
            .append(',')
            .append(day)
            .append(" 10:00:00,")
            .append(visitor % 2 == 1 ? "spring_sale" : "winter")
            .append('\n');
      }
    }
    room.as("advertiser")
        .contentType("text/csv")
        .body(csv.toString())
        .put(room.path() + "/datasets/visits/data")
        .then()
        .statusCode(200);
  }

  private static String policy() {
    return """
        {
          "table": "advertiser.visits",
          "columns": [
            {"name": "visitor_id", "type": "BIGINT", "class": "PRIVACY_UNIT"},
            {"name": "ts", "type": "TIMESTAMP", "class": "DIMENSION"},
            {"name": "campaign", "type": "VARCHAR", "class": "DIMENSION"}
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
        """;
  }

  private static Response ask(Collaboration room, String accept) {
    Response response =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept(accept)
            .body(Map.of("sql", REACH_BY_DAY))
            .post(room.path() + "/queries");
    assertEquals(200, response.statusCode(), response.asString());
    return response;
  }
}
