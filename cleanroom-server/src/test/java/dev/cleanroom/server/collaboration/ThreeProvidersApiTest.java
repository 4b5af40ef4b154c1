package dev.cleanroom.server.collaboration;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.examples.demo.DemoCsv;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A collaboration of three providers end to end, through the real server: a retailer's customers, a
 * shop's purchases and an advertiser's impressions, joined in one question; the answer is charged
 * on each dataset and each provider sees the query on its own data; granting a new analyst takes
 * every provider's approval, and until the last one the analyst cannot read across the three; the
 * shop can tell one of its customers which questions read their purchases.
 */
@QuarkusTest
class ThreeProvidersApiTest {
  private static final String ACROSS_THREE =
      "SELECT p.category, COUNT(DISTINCT c.customer_id) AS buyers"
          + " FROM advertiser.impressions i"
          + " JOIN retailer.customers c ON i.email_hash = c.email_hash"
          + " JOIN shop.purchases p ON p.customer_id = c.customer_id"
          + " WHERE i.campaign_id = 'c1' GROUP BY p.category";
  private static final String ONLY_ADVERTISER = "\"allowedAnalysts\": [\"advertiser\"]";
  private static final String WITH_AGENCY = "\"allowedAnalysts\": [\"advertiser\", \"agency\"]";

  @Test
  void threeProviders_oneQuestion_eachCharged_eachSeesIt_andAGrantTakesAllThree() {
    Collaboration room = threeProviders();
    String customersPolicy =
        TestData.resource("demo/policies/retailer.customers.json")
            .replace("retailer.purchases", "shop.purchases");
    String purchasesPolicy =
        TestData.resource("demo/policies/retailer.purchases.json")
            .replace("\"table\": \"retailer.purchases\"", "\"table\": \"shop.purchases\"");
    String impressionsPolicy = TestData.demoPolicy("advertiser.impressions");
    room.approvePolicy("customers", customersPolicy, 1);
    room.approvePolicy("purchases", purchasesPolicy, 1);
    room.approvePolicy("impressions", impressionsPolicy, 1);

    JsonPath answer = ask(room, "advertiser").then().statusCode(200).extract().jsonPath();
    assertEquals(
        Map.of("advertiser.impressions", 1, "retailer.customers", 1, "shop.purchases", 1),
        answer.getMap("dataVersions"));
    assertEquals(List.of("category", "buyers"), answer.getList("columns.name"));
    assertTrue(answer.getList("rows").size() > 0, answer.prettify());
    for (String table : List.of("advertiser.impressions", "retailer.customers", "shop.purchases")) {
      room.as("advertiser")
          .get(room.path() + "/budget")
          .then()
          .statusCode(200)
          .body("datasets.find { it.dataset == '" + table + "' }.spent.toString()", equalTo("0.5"));
    }
    // Each provider sees the question in the events of its own datasets.
    for (String provider : List.of("retailer", "shop", "advertiser")) {
      room.as(provider)
          .get(room.path() + "/audit?limit=1000")
          .then()
          .statusCode(200)
          .body("events.action", hasItem("QUERY_ANSWERED"));
    }

    // Granting agency all three tables: each new version awaits its own provider.
    Response before = ask(room, "agency");
    assertTrue(before.statusCode() >= 400, before.asString());
    grant(room, "customers", customersPolicy, "retailer");
    grant(room, "purchases", purchasesPolicy, "shop");
    grant(room, "impressions", impressionsPolicy, "advertiser");
    approveAsProvider(room, "retailer", "customers");
    approveAsProvider(room, "advertiser", "impressions");
    // Two of three: the shop's purchases are not granted yet, so the question is still refused,
    // now for that table alone.
    Response partly = ask(room, "agency");
    assertEquals(before.statusCode(), partly.statusCode(), partly.asString());
    assertEquals(
        "line 1, column "
            + (ACROSS_THREE.indexOf("shop.purchases") + 1)
            + ": Object 'shop' not found",
        partly.jsonPath().getString("detail"));
    approveAsProvider(room, "shop", "purchases");
    Response granted = ask(room, "agency");
    assertEquals(200, granted.statusCode(), granted.asString());

    // The shop tells one of its customers: their purchases were read by both analysts' questions.
    long customer = firstBuyer;
    JsonPath report =
        room.as("shop")
            .contentType(ContentType.JSON)
            .body(Map.of("identifier", Long.toString(customer)))
            .post(room.path() + "/subject-lookups")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(List.of("shop.purchases"), report.getList("datasets.table"));
    assertTrue(report.getBoolean("datasets[0].heldNow"));
    // The purchases say whose they are through the customer id, a join key linked to the
    // retailer's privacy unit.
    assertEquals("customer_id", report.getString("datasets[0].unitColumn"));
    assertEquals(List.of("advertiser", "agency"), report.getList("datasets[0].queries.analyst"));

    // The shop erases them from its purchases; the next question reads the version without them.
    room.as("shop")
        .contentType(ContentType.JSON)
        .body(Map.of("identifier", Long.toString(customer)))
        .post(room.path() + "/datasets/purchases/erasures")
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("versionsRemoved", equalTo(List.of(1)));
    JsonPath after = ask(room, "advertiser").then().statusCode(200).extract().jsonPath();
    assertEquals(2, after.getInt("dataVersions.'shop.purchases'"));
  }

  private long firstBuyer;

  /** Members retailer, shop (providers), advertiser (provider, analyst), agency, two officers. */
  private Collaboration threeProviders() {
    List<Map<String, Object>> members =
        List.of(
            Map.of("name", "retailer", "roles", List.of("PROVIDER")),
            Map.of("name", "shop", "roles", List.of("PROVIDER")),
            Map.of("name", "advertiser", "roles", List.of("PROVIDER", "ANALYST")),
            Map.of("name", "agency", "roles", List.of("ANALYST")),
            Map.of("name", "privacy", "roles", List.of("PRIVACY_OFFICER")),
            Map.of("name", "privacy2", "roles", List.of("PRIVACY_OFFICER")));
    String name = "three" + System.nanoTime() % 1_000_000_000L;
    JsonPath created =
        Api.as(Api.OPERATOR_KEY)
            .contentType(ContentType.JSON)
            .body(Map.of("name", name, "members", members))
            .post("/api/v1/collaborations")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    Map<String, String> keys = new HashMap<>();
    for (Map<String, Object> member : created.<Map<String, Object>>getList("members")) {
      keys.put((String) member.get("name"), (String) member.get("apiKey"));
    }
    Collaboration room = new Collaboration(name, keys);
    room.declareCustomers();
    room.declareImpressionsAs("advertiser");
    room.declare(
        "shop",
        "purchases",
        List.of(
            Map.of("name", "customer_id", "type", "BIGINT"),
            Map.of("name", "ts", "type", "TIMESTAMP"),
            Map.of("name", "category", "type", "VARCHAR"),
            Map.of("name", "channel", "type", "VARCHAR"),
            Map.of("name", "amount", "type", "DOUBLE"),
            Map.of("name", "opted_out", "type", "BOOLEAN"),
            Map.of("name", "consent_measurement", "type", "BOOLEAN"),
            Map.of("name", "consent_targeting", "type", "BOOLEAN")));
    DemoDataGenerator generator = TestData.generator(room.name());
    DemoDataGenerator.Customers customers = generator.customers(3_000);
    DemoDataGenerator.Impressions impressions = generator.impressions(customers, 30_000);
    DemoDataGenerator.Purchases purchases = generator.purchases(customers, impressions, 15_000);
    room.upload(
        "retailer",
        "customers",
        "text/csv",
        TestData.customersCsv(customers).getBytes(StandardCharsets.UTF_8));
    room.upload(
        "advertiser",
        "impressions",
        "application/vnd.apache.arrow.stream",
        TestData.impressionsArrow(impressions));
    StringWriter csv = new StringWriter();
    try {
      DemoCsv.writePurchases(purchases, csv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    room.upload("shop", "purchases", "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    firstBuyer = firstConsentingBuyer(purchases);
    return room;
  }

  /** A buyer whose purchases record consent for measurement, so that questions count them. */
  private static long firstConsentingBuyer(DemoDataGenerator.Purchases purchases) {
    for (int i = 0; i < purchases.customerId().length; i++) {
      if (purchases.consentMeasurement()[i] && !purchases.optedOut()[i]) {
        return purchases.customerId()[i];
      }
    }
    throw new IllegalStateException("no purchase records consent for measurement");
  }

  private static Response ask(Collaboration room, String analyst) {
    return room.as(analyst)
        .contentType(ContentType.JSON)
        .body(Map.of("sql", ACROSS_THREE, "purpose", "measurement"))
        .post(room.path() + "/queries");
  }

  /** Proposes version 2 of {@code dataset}'s policy with agency added; it awaits {@code owner}. */
  private static void grant(Collaboration room, String dataset, String policy, String owner) {
    assertTrue(policy.contains(ONLY_ADVERTISER), policy);
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(policy.replace(ONLY_ADVERTISER, WITH_AGENCY))
        .put(room.path() + "/datasets/" + dataset + "/policy")
        .then()
        .statusCode(201);
    room.as("privacy2")
        .post(room.path() + "/datasets/" + dataset + "/policy/2/approve")
        .then()
        .statusCode(202)
        .body("status", equalTo("AWAITING_PROVIDERS"))
        .body("providers.provider", equalTo(List.of(owner)));
  }

  private static void approveAsProvider(Collaboration room, String provider, String dataset) {
    room.as(provider)
        .post(room.path() + "/datasets/" + dataset + "/policy/2/provider-approval")
        .then()
        .statusCode(200)
        .body("status", equalTo("APPROVED"));
  }
}
