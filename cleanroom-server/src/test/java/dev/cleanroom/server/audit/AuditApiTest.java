package dev.cleanroom.server.audit;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditApiTest {
  @Inject DataSource dataSource;

  @Test
  void freshCollaboration_chainVerifies() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    collaboration
        .as("privacy")
        .get(collaboration.path() + "/audit/verify")
        .then()
        .statusCode(200)
        .body("valid", equalTo(true))
        .body("verifiedEvents", equalTo(2))
        .body("firstBrokenPosition", nullValue());
  }

  @Test
  void privacyOfficer_readsEveryEventInOrder() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    collaboration
        .as("privacy")
        .get(collaboration.path() + "/audit")
        .then()
        .statusCode(200)
        .body("events.action", equalTo(List.of("COLLABORATION_CREATED", "DATASET_DECLARED")))
        .body("events[1].datasets", equalTo(List.of("retailer.customers")))
        .body(
            "events[1].previousHash",
            equalTo(
                collaboration
                    .as("privacy")
                    .get(collaboration.path() + "/audit")
                    .jsonPath()
                    .getString("events[0].hash")));
  }

  @Test
  void paging_continuesAfterTheLastPosition() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    collaboration
        .as("privacy")
        .queryParam("limit", 1)
        .get(collaboration.path() + "/audit")
        .then()
        .body("events", hasSize(1))
        .body("next", equalTo(1));
    collaboration
        .as("privacy")
        .queryParam("after", 1)
        .get(collaboration.path() + "/audit")
        .then()
        .body("events.position", equalTo(List.of(2)))
        .body("next", nullValue());
  }

  @Test
  void provider_seesOnlyEventsOfItsDatasetsOrItsActions() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    collaboration.declare(
        "advertiser", "impressions", List.of(Map.of("name", "campaign_id", "type", "VARCHAR")));
    collaboration
        .as("retailer")
        .get(collaboration.path() + "/audit")
        .then()
        .statusCode(200)
        .body("events.datasets", hasItem(List.of("retailer.customers")))
        .body("events.datasets", not(hasItem(List.of("advertiser.impressions"))))
        .body("events.action", not(hasItem("COLLABORATION_CREATED")));
  }

  @Test
  void analystOnly_forbidden() {
    Collaboration collaboration = createWithAnalystOnly();
    collaboration.as("analyst").get(collaboration.path() + "/audit").then().statusCode(403);
  }

  @Test
  void editedEvent_verifyReportsWhere() throws SQLException {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    execute(
        "update audit_event set actor = 'privacy' where position = 2 and collaboration_id ="
            + " (select id from collaboration where name = ?)",
        collaboration.name());
    collaboration
        .as("privacy")
        .get(collaboration.path() + "/audit/verify")
        .then()
        .statusCode(200)
        .body("valid", equalTo(false))
        .body("firstBrokenPosition", equalTo(2))
        .body("reason", equalTo("the event was modified"));
  }

  @Test
  void deletedEvent_verifyFails() throws SQLException {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    collaboration.declareImpressionsAs("advertiser");
    execute(
        "delete from audit_event where position = 2 and collaboration_id ="
            + " (select id from collaboration where name = ?)",
        collaboration.name());
    collaboration
        .as("privacy")
        .get(collaboration.path() + "/audit/verify")
        .then()
        .body("valid", equalTo(false))
        .body("firstBrokenPosition", equalTo(2));
  }

  @Test
  void deletedNewestEvent_verifyFails() throws SQLException {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    execute(
        "delete from audit_event where position = 2 and collaboration_id ="
            + " (select id from collaboration where name = ?)",
        collaboration.name());
    collaboration
        .as("privacy")
        .get(collaboration.path() + "/audit/verify")
        .then()
        .body("valid", equalTo(false))
        .body("reason", equalTo("events at the end of the chain are missing"));
  }

  @Test
  void events_neverHoldRequestValues() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    collaboration
        .as("privacy")
        .get(collaboration.path() + "/audit")
        .then()
        .body("events.detail", everyItem(not(org.hamcrest.Matchers.containsString("email"))))
        .body("events.actor", hasItems("operator", "retailer"));
  }

  private Collaboration createWithAnalystOnly() {
    String name = "a" + System.nanoTime() % 1_000_000_000L;
    String key =
        Api.as(Api.OPERATOR_KEY)
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "name",
                    name,
                    "members",
                    List.of(Map.of("name", "analyst", "roles", List.of("ANALYST")))))
            .post("/api/v1/collaborations")
            .then()
            .statusCode(201)
            .extract()
            .path("members[0].apiKey");
    return new Collaboration(name, Map.of("analyst", key));
  }

  private void execute(String sql, String parameter) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, parameter);
      if (statement.executeUpdate() != 1) {
        throw new AssertionError("the tampering statement changed no row");
      }
    }
  }
}
