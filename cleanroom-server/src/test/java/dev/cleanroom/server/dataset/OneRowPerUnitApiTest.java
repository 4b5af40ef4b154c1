package dev.cleanroom.server.dataset;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A policy's declaration of one row per privacy unit (what lets a query of the table alone skip the
 * per-person steps) holds of every version a query can read: uploads that repeat a person are
 * refused and store nothing, and the declaration cannot take effect over a version that repeats
 * one.
 */
@QuarkusTest
class OneRowPerUnitApiTest {
  private static final String DECLARATION = "\"oneRowPerUnit\": true";
  private static final String REACH_BY_TIER =
      "SELECT loyalty_tier, COUNT(*) AS customers, SUM(lifetime_spend) AS spend"
          + " FROM retailer.customers GROUP BY loyalty_tier";

  @Test
  void declaredPolicy_refusesAnUploadThatRepeatsAPersonAndKeepsTheVersion() {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    room.approvePolicy("customers", declaringPolicy(), 1);
    String csv = DatasetApiTest.customersCsv(room, 200);
    DatasetApiTest.upload(room, "retailer", csv, "text/csv").statusCode(200);
    String repeated = csv + firstRow(csv);
    String repeatedId = firstRow(csv).substring(0, firstRow(csv).indexOf(','));
    DatasetApiTest.upload(room, "retailer", repeated, "text/csv")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("code", equalTo("DUPLICATE_VALUE"))
        .body(
            "detail",
            equalTo(
                "row 201, column 'customer_id': value repeats an earlier row; one row per privacy"
                    + " unit is required"))
        .body(not(containsString("," + repeatedId + ",")));
    room.as("retailer").get(room.path()).then().body("datasets[0].currentVersion", equalTo(1));
  }

  @Test
  void declaration_takesEffectOnlyOnceNoReadableVersionRepeatsAPerson() {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    room.approvePolicy("customers", generalPolicy(), 1);
    String csv = DatasetApiTest.customersCsv(room, 200);
    // Without the declaration a person may have several rows.
    DatasetApiTest.upload(room, "retailer", csv + firstRow(csv), "text/csv").statusCode(200);
    proposeDeclaringPolicy(room);
    room.as("privacy2")
        .post(room.path() + "/datasets/customers/policy/2/approve")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", containsString("policy-contradicts-data"))
        .body(
            "detail",
            equalTo(
                "data version 1 of 'customers' has more than one row for some value of its privacy"
                    + " unit column 'customer_id': a policy declaring one row per privacy unit"
                    + " cannot take effect until a version with one row per unit is uploaded"));
    // Nothing changed: the draft is a draft, the version in force still the first.
    room.as("privacy")
        .get(room.path() + "/datasets/customers/policy/2")
        .then()
        .body("status", equalTo("DRAFT"));
    room.as("privacy")
        .get(room.path() + "/datasets/customers/policy/1")
        .then()
        .body("status", equalTo("APPROVED"));
    String generalExplanation = explanation(room);

    DatasetApiTest.upload(room, "retailer", csv, "text/csv").statusCode(200);
    room.as("privacy2")
        .post(room.path() + "/datasets/customers/policy/2/approve")
        .then()
        .statusCode(200)
        .body("status", equalTo("APPROVED"));
    DatasetApiTest.upload(room, "retailer", csv + firstRow(csv), "text/csv")
        .statusCode(400)
        .body("code", equalTo("DUPLICATE_VALUE"));

    String shortExplanation = explanation(room);
    assertNotEquals(generalExplanation, shortExplanation);
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", REACH_BY_TIER))
        .post(room.path() + "/queries/explain")
        .then()
        .body(
            "explanation",
            containsString(
                "has at most one row in retailer.customers (its policy declares it and its uploads"
                    + " enforce it)"));
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", REACH_BY_TIER))
        .post(room.path() + "/queries")
        .then()
        .statusCode(200)
        .body("columns.name", equalTo(java.util.List.of("loyalty_tier", "customers", "spend")));
  }

  @Test
  void declaration_cannotTakeEffectOverAVersionStoredWithoutAPolicyThatHasARowWithoutAUnit() {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    String csv = DatasetApiTest.customersCsv(room, 100);
    // Before any policy, nothing says which column is the unit: a row may lack one.
    String withoutUnit = firstRow(csv).substring(firstRow(csv).indexOf(','));
    DatasetApiTest.upload(room, "retailer", csv + withoutUnit, "text/csv").statusCode(200);
    proposeDeclaringPolicy(room);
    room.as("privacy2")
        .post(room.path() + "/datasets/customers/policy/1/approve")
        .then()
        .statusCode(409)
        .body("type", containsString("policy-contradicts-data"))
        .body(
            "detail",
            equalTo(
                "data version 1 of 'customers' has a row without a value of its privacy unit"
                    + " column 'customer_id': a policy declaring one row per privacy unit cannot"
                    + " take effect until a version with one row per unit is uploaded"));
    room.as("privacy")
        .get(room.path() + "/datasets/customers/policy/1")
        .then()
        .body("status", equalTo("DRAFT"));
  }

  private static String explanation(Collaboration room) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", REACH_BY_TIER))
        .post(room.path() + "/queries/explain")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getString("explanation");
  }

  private static void proposeDeclaringPolicy(Collaboration room) {
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(declaringPolicy())
        .put(room.path() + "/datasets/customers/policy")
        .then()
        .statusCode(201);
  }

  private static String declaringPolicy() {
    String policy = TestData.demoPolicyWithoutJoins("retailer.customers");
    if (!policy.contains(DECLARATION)) {
      throw new IllegalStateException("the demo customers no longer declare one row per person");
    }
    return policy;
  }

  private static String generalPolicy() {
    return declaringPolicy().replace(DECLARATION, "\"oneRowPerUnit\": false");
  }

  /** The first data row of a CSV, with its line end. */
  private static String firstRow(String csv) {
    int start = csv.indexOf('\n') + 1;
    return csv.substring(start, csv.indexOf('\n', start) + 1);
  }
}
