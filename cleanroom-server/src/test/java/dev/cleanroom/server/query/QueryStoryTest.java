package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.Test;

/**
 * The story end to end over HTTP: uploads (join keys fingerprinted on the provider's side),
 * a policy written and approved, a campaign question answered with noise and a privacy report, a
 * PII query refused at no cost, the budget running out, the audit log verifying.
 */
@QuarkusTest
public class QueryStoryTest {
  static final String REACH =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach"
          + " FROM advertiser.impressions i JOIN retailer.customers c"
          + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id ORDER BY reach DESC";
  static final String SPEND =
      "SELECT c.age_band, COUNT(DISTINCT c.customer_id) AS reach, SUM(i.cost) AS spend"
          + " FROM advertiser.impressions i JOIN retailer.customers c"
          + " ON i.email_hash = c.email_hash GROUP BY c.age_band";
  static final String PII = "SELECT email, COUNT(*) FROM retailer.customers GROUP BY email";

  @Test
  void wholeStory() throws Exception {
    Collaboration room = loadedRoom("2");

    // An accepted campaign question: noised, thresholded, with its privacy report.
    ask(room, REACH)
        .statusCode(200)
        .contentType(ContentType.JSON)
        .body("queryId", startsWith("q-"))
        .body("columns.name", hasItems("campaign_id", "reach"))
        .body("columns[1].type", equalTo("BIGINT"))
        .body("rows.size()", greaterThan(0))
        .body("rows.collect { it[1] }", everyItem(greaterThan(0)))
        .body("privacy.epsilonSpent", equalTo(0.5f))
        .body("privacy.epsilonRemaining", equalTo(1.5f))
        .body("privacy.minimumDistinctUnits", equalTo(50))
        .body("privacy.cached", equalTo(false))
        .body("privacy.noise.column", hasItem("reach"))
        .body("policyVersions.'retailer.customers'", equalTo(1))
        .body("dataVersions.'advertiser.impressions'", equalTo(1));

    // The same question again: the stored answer, at no cost.
    ask(room, REACH)
        .statusCode(200)
        .body("privacy.cached", equalTo(true))
        .body("privacy.epsilonSpent", equalTo(0))
        .body("privacy.epsilonRemaining", equalTo(1.5f));

    // A PII query: refused with its violations, and it costs nothing.
    ask(room, PII)
        .statusCode(422)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/policy-violation"))
        .body("violations.code", hasItem("PII_REFERENCED"))
        .body("violations.column", hasItem("retailer.customers.email"))
        .body("violations[0].line", equalTo(1));
    budgetOfCustomers(room, "0.5");

    // Explain: the plan and its cost, nothing runs, no budget moves.
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", SPEND))
        .post(room.path() + "/queries/explain")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(true))
        .body("epsilon", equalTo(0.5f))
        .body("columns.role", hasItems("GROUP_KEY", "DISTINCT_UNITS", "SUM"))
        .body(
            "rowsPerJoinKey.table",
            equalTo(List.of("advertiser.impressions", "retailer.customers")))
        .body("rowsPerJoinKey.maxRows", equalTo(List.of(100, 1)))
        .body("rowsPerJoinKey[1].columns", equalTo(List.of("customer_id")));
    budgetOfCustomers(room, "0.5");

    // CSV download, with the privacy report in headers.
    Response csv =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept("text/csv")
            .body(Map.of("sql", SPEND))
            .post(room.path() + "/queries");
    assertEquals(200, csv.statusCode());
    assertTrue(csv.contentType().startsWith("text/csv"));
    assertTrue(
        csv.asString()
            .startsWith(
                "age_band,reach,reach_low95,reach_high95,spend,spend_low95,spend_high95\r\n"));
    assertEquals("0.5", csv.header("Cleanroom-Epsilon-Spent"));
    assertEquals("1", csv.header("Cleanroom-Epsilon-Remaining"));

    // Arrow IPC stream download of the same (now cached) answer.
    byte[] arrow =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept("application/vnd.apache.arrow.stream")
            .body(Map.of("sql", SPEND))
            .post(room.path() + "/queries")
            .then()
            .statusCode(200)
            .header("Cleanroom-Cached", "true")
            .extract()
            .asByteArray();
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(arrow), allocator)) {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      assertTrue(reader.loadNextBatch());
      assertEquals("age_band", batch.getSchema().getFields().get(0).getName());
      assertTrue(batch.getRowCount() > 0);
    }

    // Two more distinct questions spend the rest; the next is refused before it runs.
    ask(room, REACH.replace("ORDER BY reach DESC", "")).statusCode(200);
    ask(room, REACH.replace("i.campaign_id", "c.loyalty_tier").replace(" ORDER BY reach DESC", ""))
        .statusCode(200)
        .body("privacy.epsilonRemaining", equalTo(0));
    ask(room, REACH.replace("GROUP BY", "WHERE i.campaign_id <> 'c1' GROUP BY"))
        .statusCode(429)
        .contentType("application/problem+json")
        .body("code", equalTo("BUDGET_EXHAUSTED"));
    budgetOfCustomers(room, "2");

    // The audit log names what happened, never the SQL, and its chain verifies.
    room.as("privacy")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .body("events.action", hasItems("QUERY_ANSWERED", "QUERY_REJECTED", "QUERY_REFUSED"))
        .body(not(containsString("SELECT")))
        .body(not(containsString("'c1'")));
    room.as("retailer")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .body("events.action", hasItem("QUERY_ANSWERED"));
    room.as("privacy").get(room.path() + "/audit/verify").then().body("valid", equalTo(true));
  }

  @Test
  void unknownTable_badRequestWithoutHints() {
    Collaboration room = loadedRoom("10");
    ask(room, "SELECT COUNT(*) FROM retailer.secret_table")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("code", equalTo("UNKNOWN_OBJECT"));
  }

  @Test
  void malformedSql_badRequest() {
    Collaboration room = loadedRoom("10");
    ask(room, "SELEC campaign_id FROM").statusCode(400).body("code", equalTo("MALFORMED_SQL"));
  }

  @Test
  void providerWithoutAnalystRole_forbidden() {
    Collaboration room = Api.newCollaboration();
    room.as("retailer")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", REACH))
        .post(room.path() + "/queries")
        .then()
        .statusCode(403);
  }

  @Test
  void explainOfPiiQuery_listsViolationsAndRunsNothing() {
    Collaboration room = loadedRoom("10");
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", PII))
        .post(room.path() + "/queries/explain")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(false))
        .body("violations.code", hasItem("PII_REFERENCED"));
    budgetOfCustomers(room, "0");
  }

  /** A collaboration with both demo tables uploaded and their demo policies approved. */
  public static Collaboration loadedRoom(String budget) {
    return loadedRoom(
        Api.newCollaboration(),
        policy -> policy.replace("\"budget\": 10,", "\"budget\": " + budget + ","));
  }

  /**
   * {@code room} with both demo tables uploaded and their demo policies, edited by {@code
   * policyEdit}, approved.
   */
  public static Collaboration loadedRoom(Collaboration room, UnaryOperator<String> policyEdit) {
    room.declareCustomers();
    room.declareImpressionsAs("advertiser");
    DemoDataGenerator generator = TestData.generator(room.name());
    DemoDataGenerator.Customers customers = generator.customers(3_000);
    room.upload(
        "retailer",
        "customers",
        "text/csv",
        TestData.customersCsv(customers).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    room.upload(
        "advertiser",
        "impressions",
        "application/vnd.apache.arrow.stream",
        TestData.impressionsArrow(generator.impressions(customers, 30_000)));
    approve(room, "customers", "retailer.customers", policyEdit);
    approve(room, "impressions", "advertiser.impressions", policyEdit);
    return room;
  }

  /** Asks the reach question and expects the problem a failed query answers with. */
  static void askFails(Collaboration room, String code, String detail) {
    ask(room, REACH)
        .statusCode(500)
        .contentType("application/problem+json")
        .body("code", equalTo(code))
        .body("detail", equalTo(detail));
  }

  static ValidatableResponse ask(Collaboration room, String sql) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", sql))
        .post(room.path() + "/queries")
        .then();
  }

  public static void budgetOfCustomers(Collaboration room, String spent) {
    room.as("advertiser")
        .get(room.path() + "/budget")
        .then()
        .statusCode(200)
        .body(
            "datasets.find { it.dataset == 'retailer.customers' }.spent.toString()",
            equalTo(spent));
  }

  private static void approve(
      Collaboration room, String dataset, String table, UnaryOperator<String> policyEdit) {
    String policy = policyEdit.apply(TestData.demoPolicy(table));
    room.approvePolicy(dataset, policy, 1);
  }
}
