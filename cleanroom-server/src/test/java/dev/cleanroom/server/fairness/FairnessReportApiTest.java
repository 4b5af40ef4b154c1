package dev.cleanroom.server.fairness;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.query.QueryStoryTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fairness reports through the real server (issue #18, part 3), over the demo policies, which
 * declare {@code age_band} and {@code zip} of the customers sensitive.
 */
@QuarkusTest
class FairnessReportApiTest {
  /**
   * Reach of the people who saw an impression, except the bronze customers of 18-24: about 37% of
   * that band (the generator's tier skew) is left out, so its reach rate is about 0.63 of the
   * others'. With about 790 customers in the band and noise of a few dozen at most on each count,
   * the disparity's interval stays far below 1.
   */
  private static final String SKEWED_REACH =
      "SELECT COUNT(DISTINCT c.customer_id) AS reach FROM advertiser.impressions i"
          + " JOIN retailer.customers c ON i.email_hash = c.email_hash"
          + " WHERE c.age_band <> '18-24' OR c.loyalty_tier <> 'bronze'";

  private static ValidatableResponse report(Collaboration room, String reach, String segment) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("reach", reach, "segment", segment))
        .post(room.path() + "/fairness-reports")
        .then();
  }

  @Test
  void segmentLeftOutByTheQuestion_isFlagged_andTheReportIsChargedAsItsTwoParts() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    JsonPath report =
        report(room, SKEWED_REACH, "age_band")
            .statusCode(200)
            .body("segment", equalTo("retailer.customers.age_band"))
            .body("epsilonSpent", equalTo(1.0f))
            .body("parts.size()", equalTo(2))
            .extract()
            .jsonPath();
    Map<String, Object> young = report.getMap("segments.find { it.value == '18-24' }");
    assertTrue((Boolean) young.get("significant"), young::toString);
    assertTrue((Boolean) young.get("belowFourFifths"), young::toString);
    assertTrue(((Number) young.get("disparity")).doubleValue() < 0.8, young::toString);
    List<Map<String, Object>> others = report.getList("segments.findAll { it.value != '18-24' }");
    assertTrue(others.size() >= 3, report.prettify());
    for (Map<String, Object> other : others) {
      double disparity = ((Number) other.get("disparity")).doubleValue();
      assertTrue(disparity > 0.9, other::toString);
      assertEquals(false, other.get("belowFourFifths"), other::toString);
    }
    QueryStoryTest.budgetOfCustomers(room, "1");
    room.as("privacy")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .body("events.action", hasItem("FAIRNESS_REPORT"));
  }

  @Test
  void aBudgetThatPaysForOnePartOnly_refusesTheReportBeforeEitherPart() {
    // 0.75 left: the first part (0.5) would fit, the second would not on the customers, which
    // both parts read (the population part reads them alone).
    Collaboration room = QueryStoryTest.loadedRoom("0.75");
    report(room, SKEWED_REACH, "age_band")
        .statusCode(429)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/budget-exhausted"))
        .body(
            "detail",
            equalTo(
                "the fairness report needs 1 on dataset 'retailer.customers' for its two"
                    + " parts, and 0.75 is left; nothing was charged"));
    QueryStoryTest.budgetOfCustomers(room, "0");
    room.as("privacy")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .body("events.action", not(hasItem("QUERY_ANSWERED")));
  }

  @Test
  void refusals_haveTheirCodes_andSpendNothing() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    report(room, SKEWED_REACH, "loyalty_tier")
        .statusCode(422)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/fairness-segment-not-sensitive"));
    report(room, "SELECT SUM(i.cost) AS spend FROM advertiser.impressions i", "age_band")
        .statusCode(422)
        .body("type", equalTo("https://cleanroom.dev/problems/fairness-not-a-reach-question"));
    report(
            room,
            "SELECT COUNT(DISTINCT c.customer_id) AS reach FROM retailer.customers c"
                + " WHERE c.email = 'someone@example.com'",
            "age_band")
        .statusCode(422)
        .body("type", equalTo("https://cleanroom.dev/problems/policy-violation"))
        .body("violations.code", hasItem("PII_REFERENCED"));
    QueryStoryTest.budgetOfCustomers(room, "0");
  }
}
