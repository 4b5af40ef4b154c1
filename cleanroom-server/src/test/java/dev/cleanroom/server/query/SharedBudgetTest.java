package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two analysts of the same datasets spend one ceiling between them (issue 11): the second is
 * refused once the first has spent it, its refusal moves no budget, the budget endpoint shows both
 * the analyst's own numbers and the shared ones, and a cached answer is never shared.
 */
@QuarkusTest
class SharedBudgetTest {

  @Test
  void defaultSharedBudget_secondAnalystIsRefusedOnceTheFirstSpentIt() {
    // budget 1 per analyst and (by default) 1 for all analysts together; 0.5 per query.
    Collaboration room = twoAnalystRoom("\"budget\": 1,");
    ask(room, "advertiser", QueryStoryTest.REACH)
        .statusCode(200)
        .body("privacy.epsilonRemaining", equalTo(0.5f));
    ask(room, "advertiser", QueryStoryTest.SPEND)
        .statusCode(200)
        .body("privacy.epsilonRemaining", equalTo(0));

    // The same question the first analyst asked: not its cached answer, and no budget left.
    ask(room, "agency", QueryStoryTest.REACH)
        .statusCode(429)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/budget-exhausted"))
        .body("title", equalTo("Privacy budget exhausted"))
        .body("code", equalTo("BUDGET_EXHAUSTED"))
        .body(
            "detail",
            equalTo(
                "the privacy budget all analysts share on dataset 'advertiser.impressions' in"
                    + " collaboration '"
                    + room.name()
                    + "' is exhausted: 0 of 1 left, the query needs 0.5"));

    // The refusal moved nothing: the second analyst spent nothing, all together still 1.
    budget(room, "agency", "retailer.customers")
        .body("spent.toString()", equalTo("0"))
        .body("remaining.toString()", equalTo("0"))
        .body("total.toString()", equalTo("1"))
        .body("allAnalysts.spent.toString()", equalTo("1"))
        .body("allAnalysts.remaining.toString()", equalTo("0"))
        .body("allAnalysts.total.toString()", equalTo("1"));
    budget(room, "advertiser", "advertiser.impressions")
        .body("spent.toString()", equalTo("1"))
        .body("allAnalysts.spent.toString()", equalTo("1"));
    room.as("privacy")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .statusCode(200)
        .body("events.find { it.actor == 'agency' }.action", equalTo("QUERY_REFUSED"))
        .body("events.find { it.actor == 'agency' }.outcome", equalTo("BUDGET_EXHAUSTED"));
  }

  @Test
  void largerSharedBudget_eachAnalystSeesTheSmallerOfItsOwnAndTheSharedRest() {
    // 1 per analyst, 1.5 for all analysts together.
    Collaboration room = twoAnalystRoom("\"budget\": 1, \"datasetBudget\": 1.5,");
    ask(room, "advertiser", QueryStoryTest.REACH).statusCode(200);
    ask(room, "advertiser", QueryStoryTest.SPEND).statusCode(200);

    // Its own budget would leave 0.5 after this query; the shared ceiling leaves 0.
    ask(room, "agency", QueryStoryTest.REACH)
        .statusCode(200)
        .body("privacy.cached", equalTo(false))
        .body("privacy.epsilonSpent", equalTo(0.5f))
        .body("privacy.epsilonRemaining", equalTo(0));
    budget(room, "agency", "retailer.customers")
        .body("spent.toString()", equalTo("0.5"))
        .body("remaining.toString()", equalTo("0"))
        .body("total.toString()", equalTo("1"))
        .body("allAnalysts.spent.toString()", equalTo("1.5"))
        .body("allAnalysts.remaining.toString()", equalTo("0"))
        .body("allAnalysts.total.toString()", equalTo("1.5"));

    ask(room, "agency", QueryStoryTest.SPEND)
        .statusCode(429)
        .body("code", equalTo("BUDGET_EXHAUSTED"))
        .body(
            "detail",
            equalTo(
                "the privacy budget all analysts share on dataset 'advertiser.impressions' in"
                    + " collaboration '"
                    + room.name()
                    + "' is exhausted: 0 of 1.5 left, the query needs 0.5"));
    budget(room, "agency", "advertiser.impressions")
        .body("spent.toString()", equalTo("0.5"))
        .body("allAnalysts.spent.toString()", equalTo("1.5"));
    room.as("privacy")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .body("events.findAll { it.actor == 'agency' }.action", hasItem("QUERY_REFUSED"));
  }

  /**
   * Both demo tables loaded, their policies granting both analysts (advertiser and agency) and with
   * {@code "budget": 10,} replaced by {@code budgetFields}.
   */
  private static Collaboration twoAnalystRoom(String budgetFields) {
    return QueryStoryTest.loadedRoom(
        Api.newCollaborationWithAnalysts("agency"),
        policy ->
            policy
                .replace("\"budget\": 10,", budgetFields)
                .replace(
                    "\"allowedAnalysts\": [\"advertiser\"]",
                    "\"allowedAnalysts\": [\"advertiser\", \"agency\"]"));
  }

  private static ValidatableResponse ask(Collaboration room, String analyst, String sql) {
    return room.as(analyst)
        .contentType(ContentType.JSON)
        .body(Map.of("sql", sql))
        .post(room.path() + "/queries")
        .then();
  }

  /** The budget endpoint's entry for {@code dataset}, as {@code analyst} sees it. */
  private static ValidatableResponse budget(Collaboration room, String analyst, String dataset) {
    return room.as(analyst)
        .get(room.path() + "/budget")
        .then()
        .statusCode(200)
        .body("analyst", equalTo(analyst))
        .rootPath("datasets.find { it.dataset == '" + dataset + "' }");
  }
}
