package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A query that fails after it ran on the data (here: in its release, whose noise source fails)
 * settles its reservation and is audited like any other failure: the epsilon is committed, since
 * the failure may depend on the data, nothing is left reserved, and exactly one QUERY_FAILED event
 * is written.
 */
@QuarkusTest
@TestProfile(QueryFailureAfterExecutionTest.FailingRelease.class)
class QueryFailureAfterExecutionTest {
  /** Every release fails. */
  public static class FailingRelease implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(FailingNoiseSource.class);
    }
  }

  @Inject Jdbc jdbc;

  @Test
  void releaseThatThrows_commitsTheReservation_andWritesOneFailedEvent() throws Exception {
    Collaboration room = QueryStoryTest.loadedRoom("10");

    QueryStoryTest.ask(room, QueryStoryTest.REACH)
        .statusCode(500)
        .contentType("application/problem+json")
        .body("code", equalTo("INTERNAL"))
        .body("detail", equalTo("an unexpected error occurred"));

    // Committed on both datasets read, none left reserved or refunded.
    assertEquals(
        List.of("advertiser.impressions COMMITTED 0.5", "retailer.customers COMMITTED 0.5"),
        reservations(jdbc, room.name()));
    room.as("advertiser")
        .get(room.path() + "/budget")
        .then()
        .statusCode(200)
        .body(
            "datasets.find { it.dataset == 'retailer.customers' }.spent.toString()",
            equalTo("0.5"));

    JsonPath audit =
        room.as("privacy")
            .get(room.path() + "/audit?limit=1000")
            .then()
            .statusCode(200)
            .body("events.action", not(hasItem("QUERY_ANSWERED")))
            .extract()
            .jsonPath();
    List<Map<String, Object>> failed =
        audit.getList("events.findAll { it.action == 'QUERY_FAILED' }");
    assertEquals(1, failed.size(), failed.toString());
    Map<String, Object> event = failed.get(0);
    assertEquals("advertiser", event.get("actor"));
    assertEquals("FAILED", event.get("outcome"));
    assertEquals(List.of("advertiser.impressions", "retailer.customers"), event.get("datasets"));
    assertEquals(0.5f, event.get("epsilon"));
    String detail = (String) event.get("detail");
    assertTrue(
        detail.matches(
            "queryId=q-[0-9a-f-]{36} data=\\{advertiser.impressions=1, retailer.customers=1\\}"
                + " policies=\\{advertiser.impressions=1, retailer.customers=1\\}"),
        detail);
    room.as("privacy").get(room.path() + "/audit/verify").then().body("valid", equalTo(true));
  }

  /** Each reservation row of the collaboration as "dataset status epsilon", in dataset order. */
  static List<String> reservations(Jdbc jdbc, String collaboration) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select dataset, status, epsilon from budget_reservation"
                      + " where collaboration = ? order by dataset")) {
            statement.setString(1, collaboration);
            List<String> rows = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                rows.add(
                    row.getString(1)
                        + " "
                        + row.getString(2)
                        + " "
                        + row.getBigDecimal(3).stripTrailingZeros().toPlainString());
              }
            }
            return rows;
          }
        });
  }
}
