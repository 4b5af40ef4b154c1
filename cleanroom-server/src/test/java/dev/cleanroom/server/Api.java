package dev.cleanroom.server;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Test helpers: fresh collaborations with their members' keys, and authenticated requests. */
public final class Api {
  public static final String OPERATOR_KEY = "test-operator-key";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private Api() {}

  public static RequestSpecification as(String key) {
    return given().header("Authorization", "Bearer " + key);
  }

  /**
   * A new collaboration: members retailer (provider), advertiser (provider, analyst), privacy and
   * privacy2 (privacy officers).
   */
  public static Collaboration newCollaboration() {
    return newCollaborationWithAnalysts();
  }

  /**
   * A new collaboration with the members of {@link #newCollaboration()} and, besides, members that
   * are analysts only, named {@code analysts}.
   */
  public static Collaboration newCollaborationWithAnalysts(String... analysts) {
    List<Map<String, Object>> members = new ArrayList<>();
    members.add(Map.of("name", "retailer", "roles", List.of("PROVIDER")));
    members.add(Map.of("name", "advertiser", "roles", List.of("PROVIDER", "ANALYST")));
    members.add(Map.of("name", "privacy", "roles", List.of("PRIVACY_OFFICER")));
    members.add(Map.of("name", "privacy2", "roles", List.of("PRIVACY_OFFICER")));
    for (String analyst : analysts) {
      members.add(Map.of("name", analyst, "roles", List.of("ANALYST")));
    }
    String name = "c" + System.nanoTime() % 1_000_000_000L + "_" + SEQUENCE.incrementAndGet();
    JsonPath created =
        as(OPERATOR_KEY)
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
    return new Collaboration(name, keys);
  }

  /** A collaboration and its members' keys. */
  public record Collaboration(String name, Map<String, String> keys) {
    public String path() {
      return "/api/v1/collaborations/" + name;
    }

    public RequestSpecification as(String member) {
      return Api.as(keys.get(member));
    }

    /** Uploads a new version of {@code member}'s dataset; it must be stored (200). */
    public void upload(String member, String dataset, String contentType, byte[] body) {
      as(member)
          .contentType(contentType)
          .body(body)
          .put(path() + "/datasets/" + dataset + "/data")
          .then()
          .statusCode(200);
    }

    /**
     * {@code privacy} proposes {@code policy} as draft {@code version}, {@code privacy2} approves.
     */
    public void approvePolicy(String dataset, String policy, int version) {
      as("privacy")
          .contentType(ContentType.JSON)
          .body(policy)
          .put(path() + "/datasets/" + dataset + "/policy")
          .then()
          .statusCode(201);
      as("privacy2")
          .post(path() + "/datasets/" + dataset + "/policy/" + version + "/approve")
          .then()
          .statusCode(200);
    }

    /** Declares dataset {@code name} of {@code member} with {@code columns} (name to type). */
    public void declare(String member, String name, List<Map<String, String>> columns) {
      as(member)
          .contentType(ContentType.JSON)
          .body(Map.of("name", name, "columns", columns))
          .post(path() + "/datasets")
          .then()
          .statusCode(201);
    }

    public void declareImpressionsAs(String member) {
      declare(
          member,
          "impressions",
          List.of(
              Map.of("name", "impression_id", "type", "BIGINT"),
              Map.of("name", "email_hash", "type", "VARCHAR"),
              Map.of("name", "campaign_id", "type", "VARCHAR"),
              Map.of("name", "ts", "type", "TIMESTAMP"),
              Map.of("name", "clicked", "type", "BOOLEAN"),
              Map.of("name", "cost", "type", "DOUBLE")));
    }

    public void declareCustomers() {
      declare("retailer", "customers", customerColumns());
    }

    /** The demo customers' declared columns, in order. */
    public static List<Map<String, String>> customerColumns() {
      return List.of(
          Map.of("name", "customer_id", "type", "BIGINT"),
          Map.of("name", "email", "type", "VARCHAR"),
          Map.of("name", "email_hash", "type", "VARCHAR"),
          Map.of("name", "zip", "type", "VARCHAR"),
          Map.of("name", "age_band", "type", "VARCHAR"),
          Map.of("name", "loyalty_tier", "type", "VARCHAR"),
          Map.of("name", "lifetime_spend", "type", "DOUBLE"),
          Map.of("name", "opted_out", "type", "BOOLEAN"));
    }

    /** The audit events of {@code action}, as the privacy officer reads them. */
    public List<Map<String, Object>> auditEvents(String action) {
      return as("privacy")
          .get(path() + "/audit?limit=1000")
          .then()
          .statusCode(200)
          .extract()
          .jsonPath()
          .getList("events.findAll { it.action == '" + action + "' }");
    }
  }
}
