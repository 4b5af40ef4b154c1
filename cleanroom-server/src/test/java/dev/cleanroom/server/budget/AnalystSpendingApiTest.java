package dev.cleanroom.server.budget;

import static org.hamcrest.Matchers.equalTo;

import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.query.QueryStoryTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A privacy officer reads what every analyst has spent of each dataset, per period. */
@QuarkusTest
class AnalystSpendingApiTest {
  private static final String REACH =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach"
          + " FROM advertiser.impressions i JOIN retailer.customers c"
          + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id";

  @Test
  void officer_seesEachAnalystsSpendingPerDatasetAndPeriod_othersRefused() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    room.as("privacy")
        .get(room.path() + "/budget/analysts")
        .then()
        .statusCode(200)
        .body("size()", equalTo(0));

    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", REACH))
        .post(room.path() + "/queries")
        .then()
        .statusCode(200);

    room.as("privacy")
        .get(room.path() + "/budget/analysts")
        .then()
        .statusCode(200)
        .body("dataset", equalTo(List.of("advertiser.impressions", "retailer.customers")))
        .body("analyst", equalTo(List.of("advertiser", "advertiser")))
        .body("period", equalTo(List.of("lifetime", "lifetime")))
        .body("spent", equalTo(List.of(0.5f, 0.5f)));
    room.as("advertiser")
        .get(room.path() + "/budget/analysts")
        .then()
        .statusCode(403)
        .body("detail", equalTo("member 'advertiser' does not have the role PRIVACY_OFFICER"));
  }
}
