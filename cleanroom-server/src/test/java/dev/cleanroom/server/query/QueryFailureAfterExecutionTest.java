package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
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

    QueryStoryTest.askFails(room, "INTERNAL", "an unexpected error occurred");

    // Committed on both datasets read, none left reserved or refunded.
    assertEquals(
        List.of("advertiser.impressions COMMITTED 0.5", "retailer.customers COMMITTED 0.5"),
        reservations(jdbc, room.name()));
    QueryStoryTest.budgetOfCustomers(room, "0.5");

    assertEquals(List.of(), room.auditEvents("QUERY_ANSWERED"));
    List<Map<String, Object>> failed = room.auditEvents("QUERY_FAILED");
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
