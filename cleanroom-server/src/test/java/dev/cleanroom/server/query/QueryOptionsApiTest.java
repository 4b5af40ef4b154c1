package dev.cleanroom.server.query;

import static dev.cleanroom.server.query.QueryStoryTest.budgetOfCustomers;
import static dev.cleanroom.server.query.QueryStoryTest.loadedRoom;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The request's {@code options} over HTTP: the suppressed-group count only when asked (and then as
 * another question, charged again), the spending list and release rule in JSON, CSV headers and
 * explain, and public group keys from the demo policy's campaign list or an IN list.
 */
@QuarkusTest
class QueryOptionsApiTest {
  private static final String JOIN =
      " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash";
  private static final String SPEND_BY_AGE =
      "SELECT c.age_band, COUNT(DISTINCT c.customer_id) AS reach, SUM(i.cost) AS spend"
          + JOIN
          + " GROUP BY c.age_band";
  private static final String REACH_BY_CAMPAIGN =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach"
          + JOIN
          + " GROUP BY i.campaign_id ORDER BY reach DESC";

  /**
   * Laplace noise named, so that the split of epsilon reads in equal shares (auto may choose
   * Gaussian for two columns at four groups per person; that choice is QueryMechanismApiTest's).
   */
  private static final Map<String, String> LAPLACE = Map.of("mechanism", "laplace");

  private static ValidatableResponse ask(Collaboration room, String sql, Map<String, ?> options) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(options == null ? Map.of("sql", sql) : Map.of("sql", sql, "options", options))
        .post(room.path() + "/queries")
        .then();
  }

  @Test
  void suppressedGroupCount_isAbsentAndFreeUnlessAsked() {
    Collaboration room = loadedRoom("10");

    // Reach and spend by age band: two shares (release + reach, spend), no suppressed count.
    JsonPath plain = ask(room, SPEND_BY_AGE, LAPLACE).statusCode(200).extract().jsonPath();
    assertNull(plain.get("privacy.suppressedGroups"));
    assertEquals("threshold", plain.getString("privacy.releaseRule"));
    assertEquals(
        List.of("group release and distinct people", "column spend"),
        plain.getList("privacy.spent.purpose"));
    assertEquals(List.of(0.25f, 0.25f), plain.getList("privacy.spent.epsilon"));
    assertEquals(List.of(1e-6f, 0f), plain.getList("privacy.spent.delta"));
    budgetOfCustomers(room, "0.5");

    // Asked for: another question (not the stored answer), charged again, a third share.
    JsonPath asked =
        ask(room, SPEND_BY_AGE, Map.of("suppressedGroups", true, "mechanism", "laplace"))
            .statusCode(200)
            .body("privacy.cached", equalTo(false))
            .extract()
            .jsonPath();
    assertTrue(asked.getLong("privacy.suppressedGroups") >= 0);
    assertEquals(
        List.of("group release and distinct people", "column spend", "suppressed-group count"),
        asked.getList("privacy.spent.purpose"));
    budgetOfCustomers(room, "1");

    // Each question has its stored answer: asking either again is free.
    ask(room, SPEND_BY_AGE, Map.of("suppressedGroups", false, "mechanism", "laplace"))
        .statusCode(200)
        .body("privacy.cached", equalTo(true))
        .body("privacy.suppressedGroups", nullValue());
    ask(room, SPEND_BY_AGE, Map.of("suppressedGroups", true, "mechanism", "laplace"))
        .statusCode(200)
        .body("privacy.cached", equalTo(true))
        .body("privacy.suppressedGroups", equalTo(asked.getInt("privacy.suppressedGroups")));
    budgetOfCustomers(room, "1");

    // A CSV download carries the rule in its headers, and no suppressed count when not asked.
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .accept("text/csv")
        .body(Map.of("sql", SPEND_BY_AGE, "options", LAPLACE))
        .post(room.path() + "/queries")
        .then()
        .statusCode(200)
        .header("Cleanroom-Release-Rule", "threshold")
        .header("Cleanroom-Suppressed-Groups", nullValue())
        .header("Cleanroom-Privacy", containsString("\"spent\":[{\"purpose\":\"group release"));
  }

  @Test
  void unknownOption_isAMalformedRequest() {
    Collaboration room = loadedRoom("10");
    ask(room, SPEND_BY_AGE, Map.of("supressedGroups", true))
        .statusCode(400)
        .contentType("application/problem+json");
    budgetOfCustomers(room, "0");
  }

  @Test
  void explain_showsTheRuleAndWhatEachShareWouldPayFor() {
    Collaboration room = loadedRoom("10");
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", REACH_BY_CAMPAIGN, "options", Map.of("suppressedGroups", true)))
        .post(room.path() + "/queries/explain")
        .then()
        .statusCode(200)
        .body("releaseRule", equalTo("public keys: policy"))
        .body("publicKeys", equalTo(12))
        .body(
            "spent.purpose",
            equalTo(
                List.of(
                    "distinct people per key (k applied after noise)", "suppressed-group count")))
        .body("spent.epsilon", equalTo(List.of(0.25f, 0.25f)))
        .body("explanation", containsString("exactly 12 key combination(s)"));
    budgetOfCustomers(room, "0");
  }

  @Test
  void publishedCampaigns_areExactlyTheRowsShown_andTheOtherRowGathersTheRest() {
    Collaboration room = loadedRoom("10");
    JsonPath answer = ask(room, REACH_BY_CAMPAIGN, null).statusCode(200).extract().jsonPath();
    assertEquals("public keys: policy", answer.getString("privacy.releaseRule"));
    assertEquals(12, answer.getInt("privacy.publicKeys"));
    assertEquals(0.0, answer.getDouble("privacy.delta"));
    assertEquals(
        List.of("distinct people per key (k applied after noise)"),
        answer.getList("privacy.spent.purpose"));
    List<List<Object>> rows = answer.getList("rows");
    List<String> campaigns = new ArrayList<>();
    for (List<Object> row : rows) {
      campaigns.add((String) row.get(0));
      // A key's reach is shown only from k on (its noised count), else NULL.
      assertTrue(row.get(1) == null || ((Number) row.get(1)).longValue() >= 50, row.toString());
    }
    assertEquals(12, campaigns.size());
    for (int i = 1; i <= 12; i++) {
      assertTrue(campaigns.contains("c" + i), campaigns.toString());
    }

    // Restricted to two campaigns by an IN list, with the other row: the rest of the data.
    JsonPath two =
        ask(
                room,
                "SELECT i.campaign_id, COUNT(*) AS impressions"
                    + JOIN
                    + " WHERE i.campaign_id IN ('c1', 'c2', 'c404') GROUP BY i.campaign_id",
                Map.of("otherRow", true))
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("public keys: query", two.getString("privacy.releaseRule"));
    List<List<Object>> twoRows = two.getList("rows");
    // c404 is not published: the key set is what both the policy and the query allow.
    assertEquals(3, twoRows.size());
    assertEquals("c1", twoRows.get(0).get(0));
    assertEquals("c2", twoRows.get(1).get(0));
    assertNull(twoRows.get(2).get(0));
  }

  @Test
  void inListOnAnUnpublishedDimension_releasesTheNamedKeysEvenWithoutRows() {
    Collaboration room = loadedRoom("10");
    JsonPath answer =
        ask(
                room,
                "SELECT c.age_band, COUNT(DISTINCT c.customer_id) AS reach"
                    + JOIN
                    + " WHERE c.age_band IN ('18-24', 'no-such-band') GROUP BY c.age_band",
                null)
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("public keys: query", answer.getString("privacy.releaseRule"));
    List<List<Object>> rows = answer.getList("rows");
    assertEquals(2, rows.size());
    assertEquals("18-24", rows.get(0).get(0));
    assertEquals("no-such-band", rows.get(1).get(0));
  }
}
