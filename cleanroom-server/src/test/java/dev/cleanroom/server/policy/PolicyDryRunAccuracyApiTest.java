package dev.cleanroom.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The policy dry-run shows the accuracy table of README's "What a privacy officer chooses" for the
 * draft's own k, delta, groups per unit and bounds.
 */
@QuarkusTest
class PolicyDryRunAccuracyApiTest {
  private static final JsonPathConfig DOUBLES =
      new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

  @Test
  void dryRun_showsTheDraftsAccuracyTable_asTheReadmeDoesForTheSameSettings() {
    Collaboration room = withCustomers();
    // The README's settings: k = 50, delta 1e-6, one group per person; spend bounded to [0, 100].
    String readme =
        TestData.demoPolicyWithoutJoins("retailer.customers")
            .replace("\"maxGroupsContributed\": 4", "\"maxGroupsContributed\": 1")
            .replace("\"upper\": 10000", "\"upper\": 100");
    propose(room, readme, 1);
    JsonPath table = dryRun(room, 1);
    assertEquals(
        List.of(0.1, 0.5, 1.0, 2.0, 5.0),
        table.getList("accuracy.rows.epsilonPerQuery", Double.class));
    assertEquals(List.of(false, true, false, false, false), table.getList("accuracy.rows.policy"));
    // README's table: shown from 445, 130, 90, 71, 59 people; reach ± 90, 18, 9, 4, 2; spend
    // ± 8988, 1797.5, 898.75, 449.375, 179.75 (the README rounds).
    assertEquals(
        List.of(445.0, 130.0, 90.0, 71.0, 59.0),
        table.getList("accuracy.rows.threshold", Double.class));
    assertEquals(
        List.of(90.0, 18.0, 9.0, 4.0, 2.0), table.getList("accuracy.rows.reach", Double.class));
    assertEquals(
        List.of(8988.0, 1797.5, 898.75, 449.375, 179.75),
        table.getList("accuracy.rows.sums.lifetime_spend", Double.class));
    List<Double> halfOfTheTime = table.getList("accuracy.rows.shownHalfOfTheTime", Double.class);
    List<Double> almostAlways = table.getList("accuracy.rows.shownAlmostAlways", Double.class);
    for (int i = 0; i < 5; i++) {
      assertTrue(almostAlways.get(i) > halfOfTheTime.get(i));
    }

    // Another draft, m = 4 and its own epsilon 0.3: noise four times as large, its own row added.
    String demo =
        TestData.demoPolicyWithoutJoins("retailer.customers")
            .replace("\"epsilonPerQuery\": 0.5", "\"epsilonPerQuery\": 0.3");
    propose(room, demo, 2);
    JsonPath other = dryRun(room, 2);
    assertEquals(
        List.of(0.1, 0.3, 0.5, 1.0, 2.0, 5.0),
        other.getList("accuracy.rows.epsilonPerQuery", Double.class));
    assertEquals(
        List.of(false, true, false, false, false, false), other.getList("accuracy.rows.policy"));
    // At m = 4 the table uses the mechanism auto picks for this query at the policy's epsilon
    // (Gaussian for three columns): no wider than Laplace's four times ± 9, far above m = 1's.
    double reachAtOne = other.getDouble("accuracy.rows[3].reach");
    assertTrue(reachAtOne > 2 * 9 && reachAtOne <= 4 * 9 + 1, "reach ± " + reachAtOne);
    assertTrue(
        other.getDouble("accuracy.rows[3].sums.lifetime_spend") > 100 * 898.75,
        "bounded to 10,000 instead of 100, four groups per person");
    assertTrue(other.getDouble("accuracy.rows[3].threshold") > 90);
  }

  private static JsonPath dryRun(Collaboration room, int version) {
    return room.as("privacy")
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "cases",
                List.of(
                    Map.of(
                        "name",
                        "reach by age",
                        "sql",
                        "SELECT age_band, COUNT(DISTINCT customer_id) AS reach"
                            + " FROM retailer.customers GROUP BY age_band"))))
        .post(room.path() + "/datasets/customers/policy/" + version + "/dry-run")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .using(DOUBLES);
  }

  private static void propose(Collaboration room, String policy, int version) {
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(policy)
        .put(room.path() + "/datasets/customers/policy")
        .then()
        .statusCode(201)
        .body("version", org.hamcrest.Matchers.equalTo(version));
  }

  private static Collaboration withCustomers() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    return collaboration;
  }
}
