package dev.cleanroom.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
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
    QueryStoryTest.askFails(room, "QUERY_FAILED", "the query did not finish within its time limit");

    QueryStoryTest.budgetOfCustomers(room, "0.5");
    assertEquals(1, room.auditEvents("QUERY_FAILED").size());
    assertEquals(List.of(), room.auditEvents("QUERY_ANSWERED"));
  }
}
