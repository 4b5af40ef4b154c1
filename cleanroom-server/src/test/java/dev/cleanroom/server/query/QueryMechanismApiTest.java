package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code options.mechanism} over HTTP: Gaussian noise with its zCDP accounting in the privacy
 * report, Laplace on request, the default's choice shown by explain, and bad options refused before
 * any budget moves.
 */
@QuarkusTest
public class QueryMechanismApiTest {

  private static ValidatableResponse ask(Collaboration room, String sql, Map<String, ?> options) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", sql, "options", options))
        .post(room.path() + "/queries")
        .then();
  }

  private static ValidatableResponse explain(
      Collaboration room, String sql, Map<String, ?> options) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", sql, "options", options))
        .post(room.path() + "/queries/explain")
        .then();
  }

  @Test
  void gaussian_noisesEveryColumnAndReportsRhoAndTheDeltaSplit() {
    Collaboration room = QueryStoryTest.loadedRoom("10");

    ask(room, QueryStoryTest.SPEND, Map.of("mechanism", "gaussian"))
        .statusCode(200)
        .body("rows.size()", greaterThan(0))
        .body("privacy.epsilonSpent", equalTo(0.5f))
        .body("privacy.mechanism.name", equalTo("gaussian"))
        .body("privacy.mechanism.rho", greaterThan(0f))
        .body("privacy.mechanism.convertedEpsilon", lessThanOrEqualTo(0.5f))
        .body("privacy.mechanism.conversionDelta", equalTo(5.0e-7f))
        .body("privacy.mechanism.selectionDelta", equalTo(5.0e-7f))
        .body("privacy.noise.mechanism", everyItem(equalTo("discrete-gaussian")));
    QueryStoryTest.budgetOfCustomers(room, "0.5");

    // Laplace is another question: answered anew and charged again.
    ask(room, QueryStoryTest.SPEND, Map.of("mechanism", "laplace"))
        .statusCode(200)
        .body("privacy.cached", equalTo(false))
        .body("privacy.mechanism.name", equalTo("laplace"))
        .body("privacy.noise.mechanism", everyItem(equalTo("discrete-laplace")));
    QueryStoryTest.budgetOfCustomers(room, "1");

    // The same Gaussian question again: the stored answer.
    ask(room, QueryStoryTest.SPEND, Map.of("mechanism", "gaussian"))
        .statusCode(200)
        .body("privacy.cached", equalTo(true))
        .body("privacy.mechanism.name", equalTo("gaussian"));
    QueryStoryTest.budgetOfCustomers(room, "1");
  }

  @Test
  void csvAnswer_carriesTheMechanismInItsHeaders() {
    Collaboration room = QueryStoryTest.loadedRoom("10");

    room.as("advertiser")
        .contentType(ContentType.JSON)
        .accept("text/csv")
        .body(Map.of("sql", QueryStoryTest.REACH, "options", Map.of("mechanism", "gaussian")))
        .post(room.path() + "/queries")
        .then()
        .statusCode(200)
        .header("Cleanroom-Mechanism", equalTo("gaussian"))
        .header("Cleanroom-Privacy", containsString("\"rho\""));
  }

  @Test
  void defaultChoice_isWhatExplainShowsAndWhatTheAnswerUses() {
    Collaboration room = QueryStoryTest.loadedRoom("10");

    String explained =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .body(Map.of("sql", QueryStoryTest.SPEND))
            .post(room.path() + "/queries/explain")
            .then()
            .statusCode(200)
            .extract()
            .path("mechanism.name");
    String answered =
        QueryStoryTest.ask(room, QueryStoryTest.SPEND)
            .statusCode(200)
            .extract()
            .path("privacy.mechanism.name");
    assertEquals(explained, answered);
    explain(room, QueryStoryTest.SPEND, Map.of("mechanism", "laplace"))
        .statusCode(200)
        .body("mechanism.name", equalTo("laplace"));
  }

  @Test
  void unknownMechanism_isRefusedWithItsNameAndCostsNothing() {
    Collaboration room = QueryStoryTest.loadedRoom("10");

    ask(room, QueryStoryTest.REACH, Map.of("mechanism", "cauchy"))
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("'options.mechanism'"))
        .body("detail", containsString("[auto, laplace, gaussian]"));
    QueryStoryTest.budgetOfCustomers(room, "0");
  }

  @Test
  void gaussianWithARemainderRow_isRefusedBeforeAnyBudgetMoves() {
    Collaboration room =
        QueryStoryTest.loadedRoom(
            Api.newCollaboration(),
            policy -> policy.replace("\"releaseRemainder\": false", "\"releaseRemainder\": true"));

    // By age band: no published keys, so the remainder row applies (campaigns are public keys).
    ask(room, QueryStoryTest.SPEND, Map.of("mechanism", "gaussian"))
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", containsString("remainder row"));
    explain(room, QueryStoryTest.SPEND, Map.of("mechanism", "gaussian")).statusCode(422);
    QueryStoryTest.budgetOfCustomers(room, "0");
    // auto keeps Laplace there.
    ask(room, QueryStoryTest.REACH, Map.of("mechanism", "auto"))
        .statusCode(200)
        .body("privacy.mechanism.name", equalTo("laplace"));
  }
}
