package dev.cleanroom.server.demo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
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
          "10000");
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
                    + " WHERE i.campaign_id = 'c1' GROUP BY p.category"))
        .post("/api/v1/collaborations/demo/queries")
        .then()
        .statusCode(200)
        .body("columns.name", equalTo(java.util.List.of("category", "buyers", "sales")))
        .body("rows.collect { it[0] }", hasItems("grocery", "apparel"))
        .body("privacy.epsilonSpent", equalTo(0.5f));
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
