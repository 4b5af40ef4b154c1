package dev.cleanroom.server.subject;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transparency for the people in the data, through the real server: a retailer looks up one
 * customer before and after erasing them, beside a customer who stays and one who never was; the
 * report names the versions that held each, the queries that read those versions (never their
 * answers) and the erasure receipt, as JSON and as a page.
 */
@QuarkusTest
class SubjectLookupApiTest {
  private static final String REACH =
      "SELECT COUNT(DISTINCT customer_id) AS reach FROM retailer.customers";
  private static final String BY_TIER =
      "SELECT loyalty_tier, COUNT(DISTINCT customer_id) AS reach FROM retailer.customers"
          + " GROUP BY loyalty_tier";
  private static final String ABSENT = "999999999";

  private Collaboration room;
  private String erased;
  private String staying;

  @BeforeEach
  void customersReadOnce() {
    room = Api.newCollaboration();
    room.declareCustomers();
    DemoDataGenerator.Customers customers = TestData.generator(room.name()).customers(2_000);
    room.upload(
        "retailer",
        "customers",
        "text/csv",
        TestData.customersCsv(customers).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String policy =
        TestData.demoPolicyWithoutJoins("retailer.customers")
            .replace("\"budget\": 10,", "\"budget\": 1000,");
    room.approvePolicy("customers", policy, 1);
    erased = Long.toString(customers.customerId()[7]);
    staying = Long.toString(customers.customerId()[8]);
    ask(REACH, null); // answered, reads version 1
    ask(REACH, null); // the same answer from the cache
  }

  @Test
  void beforeTheErasure_theCustomerIsHeldAndBothReadsOfTheirVersionAreListed() {
    JsonPath report = lookup("retailer", erased);
    assertEquals(room.name(), report.getString("collaboration"));
    assertEquals("retailer", report.getString("provider"));
    assertEquals(erased, report.getString("identifier"));
    assertEquals(List.of("retailer.customers"), report.getList("datasets.table"));
    assertEquals("customer_id", report.getString("datasets[0].unitColumn"));
    assertTrue(report.getBoolean("datasets[0].heldNow"));
    assertEquals(List.of(1), report.getList("datasets[0].versions.version"));
    assertEquals(List.of(true), report.getList("datasets[0].versions.held"));
    assertEquals(List.of(1), report.getList("datasets[0].versions.rows"));
    assertEquals(
        List.of("ANSWERED", "ANSWERED_FROM_CACHE"), report.getList("datasets[0].queries.outcome"));
    assertEquals(
        List.of("advertiser", "advertiser"), report.getList("datasets[0].queries.analyst"));
    assertEquals(List.of(1, 1), report.getList("datasets[0].queries.version"));
    assertEquals(0.5f, report.getFloat("datasets[0].queries[0].epsilon"));
    assertEquals(0f, report.getFloat("datasets[0].queries[1].epsilon"));
    assertEquals(List.of(), report.getList("datasets[0].erasures"));
    // Never an answer: no released value is in the report.
    assertFalse(report.prettify().contains("rows\" : [ ["), report.prettify());
  }

  @Test
  void afterTheErasure_theErasedTheStayingAndTheAbsentCustomerDiffer() {
    Map<String, Object> receipt =
        room.as("retailer")
            .contentType(ContentType.JSON)
            .body(Map.of("identifier", erased))
            .post(room.path() + "/datasets/customers/erasures")
            .then()
            .statusCode(200)
            .body("version", equalTo(2))
            .body("rowsRemoved", equalTo(1))
            .body("versionsRemoved", equalTo(List.of(1)))
            .body("receipt", notNullValue())
            .body("erasedAt", notNullValue())
            .extract()
            .jsonPath()
            .getMap("");
    ask(BY_TIER, "measurement"); // reads version 2

    // The erased customer: version 1 held them (known from the receipt, its files are gone).
    JsonPath erasedReport = lookup("retailer", erased);
    assertFalse(erasedReport.getBoolean("datasets[0].heldNow"));
    assertEquals(List.of(1, 2), erasedReport.getList("datasets[0].versions.version"));
    assertEquals(List.of(true, false), erasedReport.getList("datasets[0].versions.held"));
    assertEquals(
        java.util.Arrays.asList(null, 0), erasedReport.getList("datasets[0].versions.rows"));
    assertTrue(erasedReport.getString("datasets[0].versions[0].removedAt") != null);
    assertEquals(List.of(1, 1), erasedReport.getList("datasets[0].queries.version"));
    assertEquals(
        List.of(receipt.get("receipt")), erasedReport.getList("datasets[0].erasures.receipt"));
    assertEquals(List.of(List.of(1)), erasedReport.getList("datasets[0].erasures.versionsRemoved"));
    assertEquals(List.of("retailer"), erasedReport.getList("datasets[0].erasures.erasedBy"));

    // A customer who stays: held now; version 1 is gone and no receipt of theirs says it held them.
    JsonPath stayingReport = lookup("retailer", staying);
    assertTrue(stayingReport.getBoolean("datasets[0].heldNow"));
    assertEquals(
        java.util.Arrays.asList(null, true), stayingReport.getList("datasets[0].versions.held"));
    assertEquals(List.of(2), stayingReport.getList("datasets[0].queries.version"));
    assertEquals(List.of("measurement"), stayingReport.getList("datasets[0].queries.purpose"));
    assertEquals(List.of(), stayingReport.getList("datasets[0].erasures"));

    // Somebody who never was a customer.
    JsonPath absentReport = lookup("retailer", ABSENT);
    assertFalse(absentReport.getBoolean("datasets[0].heldNow"));
    assertEquals(
        java.util.Arrays.asList(null, false), absentReport.getList("datasets[0].versions.held"));
    assertEquals(List.of(), absentReport.getList("datasets[0].queries"));
    assertEquals(List.of(), absentReport.getList("datasets[0].erasures"));

    // The receipt again, by id and in the dataset's list; the history marks version 1 removed.
    room.as("retailer")
        .get(room.path() + "/datasets/customers/erasures/" + receipt.get("receipt"))
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("versionsRemoved", equalTo(List.of(1)));
    room.as("retailer")
        .get(room.path() + "/datasets/customers/erasures")
        .then()
        .statusCode(200)
        .body("receipt", equalTo(List.of(receipt.get("receipt"))));
    room.as("retailer")
        .get(room.path() + "/datasets/customers/versions")
        .then()
        .statusCode(200)
        .body("find { it.version == 1 }.removedAt", notNullValue())
        .body("find { it.version == 2 }.removedAt", nullValue());
    room.as("advertiser").get(room.path() + "/datasets/customers/erasures").then().statusCode(403);
    room.as("retailer")
        .get(room.path() + "/datasets/customers/erasures/00000000-0000-0000-0000-000000000000")
        .then()
        .statusCode(404);

    // The audit log names the receipt, never the person.
    List<Map<String, Object>> erasures = room.auditEvents("UNIT_ERASED");
    assertEquals(1, erasures.size());
    String detail = (String) erasures.get(0).get("detail");
    assertTrue(detail.contains("receipt=" + receipt.get("receipt")), detail);
    assertTrue(detail.contains("versionsRemoved=[1]"), detail);
    for (Map<String, Object> event : room.auditEvents("SUBJECT_LOOKUP")) {
      assertFalse(event.toString().contains(erased), event.toString());
      assertFalse(event.toString().contains(ABSENT), event.toString());
    }
    assertEquals(3, room.auditEvents("SUBJECT_LOOKUP").size());
  }

  @Test
  void aProviderSeesOnlyItsOwnDatasets_andOthersAreRefused() {
    JsonPath advertiser = lookup("advertiser", erased);
    assertEquals(List.of(), advertiser.getList("datasets"));
    assertEquals(List.of(), advertiser.getList("notSearched"));
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(Map.of("identifier", erased))
        .post(room.path() + "/subject-lookups")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", endsWith("/forbidden"));
  }

  @Test
  void anIdentifierThatCannotBeAUnit_isNotSearched_andABadBodyIs400() {
    JsonPath report = lookup("retailer", "someone@example.com");
    assertEquals(List.of(), report.getList("datasets"));
    assertEquals(List.of("retailer.customers"), report.getList("notSearched.table"));
    assertTrue(report.getString("notSearched[0].reason").contains("'customer_id'"));

    for (Object body : List.of(Map.of(), Map.of("identifier", ""), Map.of("identifier", "a\nb"))) {
      room.as("retailer")
          .contentType(ContentType.JSON)
          .body(body)
          .post(room.path() + "/subject-lookups")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("type", endsWith("/malformed-request"))
          .body("detail", containsString("'identifier'"))
          .body("detail", not(containsString("a\nb")));
    }
    room.as("retailer")
        .contentType(ContentType.JSON)
        .body(Map.of("identifier", "x".repeat(257)))
        .post(room.path() + "/datasets/customers/erasures")
        .then()
        .statusCode(400)
        .body("detail", containsString("longer than 256"));
    // Nothing was erased by the refused request.
    room.as("retailer")
        .get(room.path() + "/datasets/customers/versions")
        .then()
        .body("version", equalTo(List.of(1)));
  }

  @Test
  void thePage_isSelfContainedHtmlWithTheIdentifierEscaped() {
    Response page =
        room.as("retailer")
            .contentType(ContentType.JSON)
            .accept(ContentType.HTML)
            .body(Map.of("identifier", erased))
            .post(room.path() + "/subject-lookups");
    page.then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .header("Content-Security-Policy", containsString("default-src 'none'"))
        .header("Cache-Control", equalTo("no-store"));
    String html = page.asString();
    assertTrue(html.contains("How your data was used"), html);
    assertTrue(html.contains("holds data about you in this clean room now"), html);
    assertTrue(html.contains("<code>retailer.customers</code>"), html);
    assertTrue(html.contains("an earlier answer repeated"), html);
    assertFalse(html.contains("<script"), html);

    String hostile = "<script>alert(1)</script>";
    String escaped =
        room.as("retailer")
            .contentType(ContentType.JSON)
            .accept(ContentType.HTML)
            .body(Map.of("identifier", hostile))
            .post(room.path() + "/subject-lookups")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertFalse(escaped.contains(hostile), escaped);
    assertTrue(escaped.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), escaped);
    assertTrue(
        escaped.contains("No dataset of retailer in this clean room holds data about you now"));
  }

  private JsonPath lookup(String member, String identifier) {
    return room.as(member)
        .contentType(ContentType.JSON)
        .body(Map.of("identifier", identifier))
        .post(room.path() + "/subject-lookups")
        .then()
        .statusCode(200)
        .contentType(containsString("application/json"))
        .header("Cache-Control", equalTo("no-store"))
        .extract()
        .jsonPath();
  }

  private void ask(String sql, String purpose) {
    Map<String, Object> body =
        purpose == null ? Map.of("sql", sql) : Map.of("sql", sql, "purpose", purpose);
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(body)
        .post(room.path() + "/queries")
        .then()
        .statusCode(200);
  }
}
