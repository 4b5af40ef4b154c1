package dev.cleanroom.server.policy;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PolicyApiTest {
  private static final String CUSTOMERS_POLICY =
      TestData.demoPolicyWithoutJoins("retailer.customers");

  @Test
  void officerProposes_draftVersionOne() {
    Collaboration collaboration = withCustomers();
    propose(collaboration, "privacy", CUSTOMERS_POLICY)
        .statusCode(201)
        .body("version", equalTo(1))
        .body("status", equalTo("DRAFT"))
        .body("author", equalTo("privacy"))
        .body("document.table", equalTo("retailer.customers"));
  }

  @Test
  void analystProposes_forbidden() {
    Collaboration collaboration = withCustomers();
    propose(collaboration, "advertiser", CUSTOMERS_POLICY).statusCode(403);
  }

  @Test
  void invertedBounds_unprocessableWithThePath() {
    Collaboration collaboration = withCustomers();
    String broken =
        CUSTOMERS_POLICY.replace(
            "\"lower\": 0, \"upper\": 10000", "\"lower\": 10000, \"upper\": 0");
    propose(collaboration, "privacy", broken)
        .statusCode(422)
        .contentType("application/problem+json")
        .body("violations", not(hasSize(0)))
        .body("violations[0].code", equalTo("INVALID_POLICY"))
        .body("violations[0].path", containsString("columns"));
  }

  @Test
  void columnNotDeclared_unprocessable() {
    Collaboration collaboration = withCustomers();
    String unknown =
        CUSTOMERS_POLICY
            .replace("\"name\": \"zip\"", "\"name\": \"postcode\"")
            .replace("\"age_band\", \"zip\"]", "\"age_band\", \"postcode\"]");
    propose(collaboration, "privacy", unknown)
        .statusCode(422)
        .body("violations.message", hasItem(containsString("'postcode' is not declared")));
  }

  @Test
  void malformedDocument_rejectedWithoutEcho() {
    Collaboration collaboration = withCustomers();
    propose(collaboration, "privacy", "{\"table\": \"secret-7731\", ")
        .statusCode(422)
        .body(not(containsString("secret-7731")));
  }

  @Test
  void authorApprovesOwnDraft_forbiddenUnlessConfigured() {
    Collaboration collaboration = withCustomers();
    propose(collaboration, "privacy", CUSTOMERS_POLICY).statusCode(201);
    approve(collaboration, "privacy", 1)
        .statusCode(403)
        .body("detail", containsString("second privacy officer"));
  }

  @Test
  void secondOfficerApproves_versionInForce() {
    Collaboration collaboration = withCustomers();
    propose(collaboration, "privacy", CUSTOMERS_POLICY).statusCode(201);
    approve(collaboration, "privacy2", 1)
        .statusCode(200)
        .body("status", equalTo("APPROVED"))
        .body("approver", equalTo("privacy2"))
        .body("approvedAt", notNullValue());
    collaboration
        .as("advertiser")
        .get(collaboration.path())
        .then()
        .body("datasets[0].currentPolicyVersion", equalTo(1));
    approve(collaboration, "privacy2", 1).statusCode(409);
  }

  @Test
  void newApprovedVersion_supersedesThePrevious() {
    Collaboration collaboration = withCustomers();
    propose(collaboration, "privacy", CUSTOMERS_POLICY).statusCode(201);
    approve(collaboration, "privacy2", 1).statusCode(200);
    propose(collaboration, "privacy", CUSTOMERS_POLICY.replace("\"budget\": 10", "\"budget\": 5"))
        .statusCode(201)
        .body("version", equalTo(2));
    approve(collaboration, "privacy2", 2).statusCode(200);
    collaboration
        .as("advertiser")
        .get(collaboration.path() + "/datasets/customers/policy")
        .then()
        .statusCode(200)
        .body("version", equalTo(List.of(1, 2)))
        .body("status", equalTo(List.of("SUPERSEDED", "APPROVED")));
  }

  @Test
  void unknownVersion_notFound() {
    Collaboration collaboration = withCustomers();
    approve(collaboration, "privacy", 9).statusCode(404);
  }

  @Test
  void unknownDataset_notFound() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration
        .as("privacy")
        .contentType(ContentType.JSON)
        .body(CUSTOMERS_POLICY)
        .put(collaboration.path() + "/datasets/nothing/policy")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void budget_showsTheApprovedLimitToTheAllowedAnalyst() {
    Collaboration collaboration = withCustomers();
    propose(collaboration, "privacy", CUSTOMERS_POLICY).statusCode(201);
    approve(collaboration, "privacy2", 1).statusCode(200);
    collaboration
        .as("advertiser")
        .get(collaboration.path() + "/budget")
        .then()
        .statusCode(200)
        .body("analyst", equalTo("advertiser"))
        .body("datasets[0].dataset", equalTo("retailer.customers"))
        .body("datasets[0].total", equalTo(10))
        .body("datasets[0].spent", equalTo(0))
        .body("datasets[0].remaining", equalTo(10));
    collaboration.as("retailer").get(collaboration.path() + "/budget").then().statusCode(403);
  }

  @Test
  void dryRunOfDraft_reportsEachCaseAgainstItsExpectation() {
    Collaboration collaboration = withCustomers();
    propose(collaboration, "privacy", CUSTOMERS_POLICY).statusCode(201);
    collaboration
        .as("privacy")
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "cases",
                List.of(
                    Map.of(
                        "name", "reach by age",
                        "sql",
                            "SELECT age_band, COUNT(DISTINCT customer_id) AS reach"
                                + " FROM retailer.customers GROUP BY age_band",
                        "expect", "ACCEPTED"),
                    Map.of(
                        "name", "raw e-mails",
                        "sql", "SELECT email, COUNT(*) FROM retailer.customers GROUP BY email",
                        "expect", "REJECTED"),
                    Map.of(
                        "name", "wrong expectation",
                        "sql", "SELECT zip FROM retailer.customers",
                        "expect", "ACCEPTED"))))
        .post(collaboration.path() + "/datasets/customers/policy/1/dry-run")
        .then()
        .statusCode(200)
        .body("analyst", equalTo("advertiser"))
        .body("passed", equalTo(2))
        .body("failed", equalTo(1))
        .body("cases[0].outcome", equalTo("ACCEPTED"))
        .body("cases[1].violations.code", hasItem("PII_REFERENCED"))
        .body("cases[2].passed", equalTo(false));
    // A dry-run approves nothing.
    collaboration
        .as("advertiser")
        .get(collaboration.path())
        .then()
        .body("datasets[0].currentPolicyVersion", org.hamcrest.Matchers.nullValue());
  }

  private static Collaboration withCustomers() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    return collaboration;
  }

  static io.restassured.response.ValidatableResponse propose(
      Collaboration collaboration, String member, String document) {
    return collaboration
        .as(member)
        .contentType(ContentType.JSON)
        .body(document)
        .put(collaboration.path() + "/datasets/customers/policy")
        .then();
  }

  static io.restassured.response.ValidatableResponse approve(
      Collaboration collaboration, String member, int version) {
    return collaboration
        .as(member)
        .post(collaboration.path() + "/datasets/customers/policy/" + version + "/approve")
        .then();
  }
}
