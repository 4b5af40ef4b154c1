package dev.cleanroom.server.demo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.flight.FlightSqlEndpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** The demo profile loads DESIGN.md's demo clean room, and the README's curl gets an answer. */
@QuarkusTest
@TestProfile(DemoProfileTest.Demo.class)
class DemoProfileTest {
  static final String README_QUERY =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach"
          + " FROM advertiser.impressions i JOIN retailer.customers c"
          + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id ORDER BY reach DESC";

  /** The demo profile at a smaller scale, so the suite stays fast. */
  public static class Demo implements QuarkusTestProfile {
    @Override
    public String getConfigProfile() {
      return "demo";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cleanroom.demo.customers",
          "2000",
          "cleanroom.demo.impressions",
          "20000",
          "cleanroom.demo.purchases",
          "10000",
          "cleanroom.flight.host",
          "127.0.0.1",
          "cleanroom.flight.port",
          "0");
    }
  }

  @Test
  void demoCollaboration_hasItsMembersDatasetsAndApprovedPolicies() {
    given()
        .header("Authorization", "Bearer demo-privacy-key")
        .get("/api/v1/collaborations/demo")
        .then()
        .statusCode(200)
        .body("members.name", hasItems("retailer", "advertiser", "privacy"))
        .body(
            "datasets.table",
            hasItems("retailer.customers", "advertiser.impressions", "retailer.purchases"))
        .body("datasets.currentVersion", equalTo(java.util.List.of(1, 1, 1)))
        .body("datasets.currentPolicyVersion", equalTo(java.util.List.of(1, 1, 1)));
  }

  @Test
  void readmeCurl_answersACampaignQuestion() {
    given()
        .header("Authorization", "Bearer demo-advertiser-key")
        .contentType("application/json")
        .body(Map.of("sql", README_QUERY))
        .post("/api/v1/collaborations/demo/queries")
        .then()
        .statusCode(200)
        .body("columns.name", equalTo(java.util.List.of("campaign_id", "reach")))
        .body("rows.size()", greaterThan(0))
        .body("privacy.epsilonSpent", equalTo(0.5f));
  }

  @Test
  void salesQuestion_overThreeTables_isAnswered() {
    given()
        .header("Authorization", "Bearer demo-advertiser-key")
        .contentType("application/json")
        .body(
            Map.of(
                "sql",
                "SELECT p.category, COUNT(DISTINCT c.customer_id) AS buyers, SUM(p.amount) AS sales"
                    + " FROM advertiser.impressions i"
                    + " JOIN retailer.customers c ON i.email_hash = c.email_hash"
                    + " JOIN retailer.purchases p ON p.customer_id = c.customer_id"
                    + " WHERE i.campaign_id = 'c1' GROUP BY p.category",
                "purpose",
                "measurement"))
        .post("/api/v1/collaborations/demo/queries")
        .then()
        .statusCode(200)
        .body("columns.name", equalTo(java.util.List.of("category", "buyers", "sales")))
        .body("rows.collect { it[0] }", hasItems("grocery", "apparel"))
        .body("privacy.epsilonSpent", equalTo(0.5f))
        .body("privacy.purpose", equalTo("measurement"));
  }

  @Test
  void demoTemplate_isApproved_andRunsForMeasurement() {
    given()
        .header("Authorization", "Bearer demo-advertiser-key")
        .get("/api/v1/collaborations/demo/templates")
        .then()
        .statusCode(200)
        .body("name", hasItems("campaign_buyers_since"))
        .body("[0].status", equalTo("APPROVED"))
        .body("[0].purpose", equalTo("measurement"));
    given()
        .header("Authorization", "Bearer demo-advertiser-key")
        .contentType("application/json")
        .body(Map.of("parameters", Map.of("campaign", "c1", "since", "2026-01-01")))
        .post("/api/v1/collaborations/demo/templates/campaign_buyers_since/runs")
        .then()
        .statusCode(200)
        .body("answer.privacy.purpose", equalTo("measurement"))
        .body("answer.privacy.epsilonSpent", equalTo(0.25f))
        .body("answer.columns.name", equalTo(List.of("category", "buyers")));
  }

  private static final String PURCHASES_BY_CHANNEL =
      "SELECT channel, COUNT(*) AS purchases FROM retailer.purchases GROUP BY channel";

  /** The epsilon the advertiser has left on the purchases. */
  private static double purchasesBudgetLeft() {
    Number remaining =
        given()
            .header("Authorization", "Bearer demo-advertiser-key")
            .get("/api/v1/collaborations/demo/budget")
            .then()
            .statusCode(200)
            .extract()
            .path("datasets.find { it.dataset == 'retailer.purchases' }.remaining");
    return remaining.doubleValue();
  }

  private static io.restassured.response.ValidatableResponse ask(Map<String, Object> body) {
    return given()
        .header("Authorization", "Bearer demo-advertiser-key")
        .contentType("application/json")
        .body(body)
        .post("/api/v1/collaborations/demo/queries")
        .then();
  }

  @Inject FlightSqlEndpoint flight;

  /**
   * Flight SQL carries the purpose as the call header {@code purpose}: without it the purchases are
   * refused with the same code as over REST and nothing is spent; with it the answer's privacy
   * report names it.
   */
  @Test
  void flightSql_purposeHeader_namesThePurpose_andWithoutItIsRefused() throws Exception {
    CredentialCallOption key =
        new CredentialCallOption(new BearerCredentialWriter("demo-advertiser-key"));
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert("purpose", "targeting");
    HeaderCallOption targeting = new HeaderCallOption(headers);
    try (BufferAllocator allocator = new RootAllocator();
        FlightSqlClient client =
            new FlightSqlClient(
                FlightClient.builder(
                        allocator, Location.forGrpcInsecure("127.0.0.1", flight.port().getAsInt()))
                    .build())) {
      double before = purchasesBudgetLeft();
      FlightRuntimeException refused =
          assertThrows(
              FlightRuntimeException.class, () -> client.execute(PURCHASES_BY_CHANNEL, key));
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, refused.status().code());
      assertTrue(refused.getMessage().contains("PURPOSE_REQUIRED"), refused.getMessage());
      assertEquals(before, purchasesBudgetLeft());

      FlightInfo info = client.execute(PURCHASES_BY_CHANNEL, key, targeting);
      String privacy = info.getSchema().getCustomMetadata().get("cleanroom.privacy");
      assertTrue(privacy.matches("(?s).*\"purpose\"\\s*:\\s*\"targeting\".*"), privacy);
    }
  }

  /**
   * JDBC tools cannot set a call header, but the Flight SQL JDBC driver sends the URL's parameters
   * it does not know itself as headers: {@code purpose=...} in the URL is the query's purpose.
   */
  @Test
  void flightSqlJdbc_purposeInTheUrl_namesThePurpose() throws Exception {
    String url =
        "jdbc:arrow-flight-sql://127.0.0.1:"
            + flight.port().getAsInt()
            + "/?useEncryption=false&token=demo-advertiser-key";
    try (java.sql.Connection without = java.sql.DriverManager.getConnection(url);
        java.sql.Statement statement = without.createStatement()) {
      java.sql.SQLException refused =
          assertThrows(
              java.sql.SQLException.class, () -> statement.executeQuery(PURCHASES_BY_CHANNEL));
      assertTrue(
          String.valueOf(refused.getMessage()).contains("PURPOSE_REQUIRED")
              || String.valueOf(refused.getCause()).contains("PURPOSE_REQUIRED"),
          String.valueOf(refused));
    }
    try (java.sql.Connection connection =
            java.sql.DriverManager.getConnection(url + "&purpose=measurement");
        java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery(PURCHASES_BY_CHANNEL)) {
      assertEquals("channel", rows.getMetaData().getColumnName(1));
      assertTrue(rows.next(), "the purchases by channel are released for measurement");
    }
  }

  @Test
  void queryWithoutAPurpose_isRefusedOnThePurchases_andSpendsNothing() {
    double before = purchasesBudgetLeft();

    ask(Map.of("sql", PURCHASES_BY_CHANNEL))
        .statusCode(422)
        .contentType("application/problem+json")
        .body("violations.code", equalTo(java.util.List.of("PURPOSE_REQUIRED")))
        .body("violations[0].message", containsString("measurement"));
    assertEquals(before, purchasesBudgetLeft());
  }

  @Test
  void queryForAPurposeNobodyConsentedTo_isRefused_andSpendsNothing() {
    double before = purchasesBudgetLeft();

    ask(Map.of("sql", PURCHASES_BY_CHANNEL, "purpose", "profiling"))
        .statusCode(422)
        .body("violations.code", equalTo(java.util.List.of("PURPOSE_NOT_CONSENTED")));
    assertEquals(before, purchasesBudgetLeft());
  }

  @Test
  void consentColumnOfAnotherPurpose_cannotBeReferenced() {
    ask(Map.of(
            "sql",
            "SELECT channel, COUNT(*) AS purchases FROM retailer.purchases"
                + " WHERE consent_targeting GROUP BY channel",
            "purpose",
            "measurement"))
        .statusCode(422)
        .body("violations.code", hasItems("CONSENT_REFERENCED"));
  }

  @Test
  void malformedPurpose_isABadRequest() {
    ask(Map.of("sql", PURCHASES_BY_CHANNEL, "purpose", "Measurement; DROP"))
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("'purpose'"));
  }

  /**
   * The same question for the two purposes reads different rows: 90% of the demo's buyers consent
   * to measurement, 55% to targeting, so of 10,000 purchases about 9,000 against 5,500 are counted;
   * the count's noise (epsilon 0.5 shared, each buyer's rows capped) is a few dozen at most, far
   * below the gap of thousands.
   */
  @Test
  void theTwoPurposes_countTheirOwnConsentingRows() {
    List<Float> measurement =
        ask(Map.of("sql", PURCHASES_BY_CHANNEL, "purpose", "measurement"))
            .statusCode(200)
            .body("privacy.purpose", equalTo("measurement"))
            .extract()
            .path("rows.collect { it[1] as float }");
    List<Float> targeting =
        ask(Map.of("sql", PURCHASES_BY_CHANNEL, "purpose", "targeting"))
            .statusCode(200)
            .body("privacy.purpose", equalTo("targeting"))
            .extract()
            .path("rows.collect { it[1] as float }");
    double measured = measurement.stream().mapToDouble(Float::doubleValue).sum();
    double targeted = targeting.stream().mapToDouble(Float::doubleValue).sum();
    assertTrue(measured > targeted * 1.3, measured + " against " + targeted);
  }

  @Test
  void explain_namesThePurposesConsentColumn() {
    given()
        .header("Authorization", "Bearer demo-advertiser-key")
        .contentType("application/json")
        .body(Map.of("sql", PURCHASES_BY_CHANNEL, "purpose", "targeting"))
        .post("/api/v1/collaborations/demo/queries/explain")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(true))
        .body("explanation", containsString("consent_targeting is TRUE"));
  }

  @Test
  void demoAuditLog_verifies() {
    given()
        .header("Authorization", "Bearer demo-privacy-key")
        .get("/api/v1/collaborations/demo/audit/verify")
        .then()
        .statusCode(200)
        .body("valid", equalTo(true));
  }
}
