package dev.cleanroom.server.collaboration;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.query.QueryStoryTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A collaboration answers queries within its term only (issue #18, part 5): before its start and
 * from its end, queries and explanations are refused with a stable code, nothing is charged, and
 * the refusal is audited; the operator sets the term, at creation or later.
 */
@QuarkusTest
class CollaborationTermApiTest {
  private static final String REACH =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach FROM advertiser.impressions i"
          + " JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY i.campaign_id";

  private static void setTerm(Collaboration room, Instant startsAt, Instant endsAt, int status) {
    Map<String, Object> term = new HashMap<>();
    term.put("startsAt", startsAt == null ? null : startsAt.toString());
    term.put("endsAt", endsAt == null ? null : endsAt.toString());
    Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(term)
        .put(room.path() + "/term")
        .then()
        .statusCode(status);
  }

  private static ValidatableResponse ask(Collaboration room, String path) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", REACH))
        .post(room.path() + path)
        .then();
  }

  @Test
  void afterTheEnd_queriesAndExplanationsAreRefused_andNothingIsCharged() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    Instant ended = Instant.now().minus(Duration.ofDays(1));
    setTerm(room, ended.minus(Duration.ofDays(30)), ended, 204);

    ask(room, "/queries")
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/collaboration-ended"))
        .body("code", equalTo("COLLABORATION_ENDED"));
    ask(room, "/queries/explain").statusCode(403).body("code", equalTo("COLLABORATION_ENDED"));
    QueryStoryTest.budgetOfCustomers(room, "0");
    room.as("privacy")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .statusCode(200)
        .body(
            "events.findAll { it.actor == 'advertiser' && it.action == 'QUERY_REFUSED' }.outcome",
            equalTo(List.of("COLLABORATION_ENDED")))
        .body("events.action", hasItem("COLLABORATION_TERM_SET"));
  }

  @Test
  void beforeTheStart_queriesAreRefused_thenAnsweredOnceTheTermAllows() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    setTerm(room, Instant.now().plus(Duration.ofDays(7)), null, 204);

    ask(room, "/queries")
        .statusCode(403)
        .body("type", equalTo("https://cleanroom.dev/problems/collaboration-not-started"));
    QueryStoryTest.budgetOfCustomers(room, "0");

    setTerm(room, Instant.now().minus(Duration.ofMinutes(1)), null, 204);
    ask(room, "/queries").statusCode(200).body("privacy.epsilonSpent", equalTo(0.5f));
    QueryStoryTest.budgetOfCustomers(room, "0.5");
  }

  @Test
  void termAtCreation_isShownToMembers_andAnEndBeforeTheStartIsRefused() {
    String name = "term" + System.nanoTime() % 1_000_000_000L;
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    Instant end = Instant.parse("2026-07-01T00:00:00Z");
    Map<String, Object> body =
        Map.of(
            "name",
            name,
            "members",
            List.of(Map.of("name", "retailer", "roles", List.of("PROVIDER"))),
            "startsAt",
            start.toString(),
            "endsAt",
            end.toString());
    String key =
        Api.as(Api.OPERATOR_KEY)
            .contentType(ContentType.JSON)
            .body(body)
            .post("/api/v1/collaborations")
            .then()
            .statusCode(201)
            .extract()
            .path("members[0].apiKey");
    Api.as(key)
        .get("/api/v1/collaborations/" + name)
        .then()
        .statusCode(200)
        .body("startsAt", equalTo("2026-01-01T00:00:00Z"))
        .body("endsAt", equalTo("2026-07-01T00:00:00Z"));

    Map<String, Object> backwards = new HashMap<>(body);
    backwards.put("name", name + "b");
    backwards.put("endsAt", start.minus(Duration.ofDays(1)).toString());
    Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(backwards)
        .post("/api/v1/collaborations")
        .then()
        .statusCode(422)
        .body("detail", equalTo("'endsAt' must be after 'startsAt'"));
    Api.as(key).get("/api/v1/collaborations/" + name + "b").then().statusCode(equalTo(403));
  }

  @Test
  void onlyTheOperator_setsTheTerm_andAnOpenTermShowsNoDates() {
    Collaboration room = Api.newCollaboration();
    room.as("retailer")
        .contentType(ContentType.JSON)
        .body(Map.of("endsAt", "2020-01-01T00:00:00Z"))
        .put(room.path() + "/term")
        .then()
        .statusCode(403);
    room.as("retailer")
        .get(room.path())
        .then()
        .statusCode(200)
        .body("startsAt", nullValue())
        .body("endsAt", nullValue());
  }
}
