package dev.cleanroom.server.scaleout;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The demo on Spark, end to end over real HTTP: the server starts its embedded Spark Connect server
 * (one for the class, from spark-runtime's jars), every campaign question of the demo is answered
 * by Spark ({@code privacy.engine} = spark), and the released answer is the one the vectorized
 * executor gives under the same replayed noise: equal released rows mean equal exact rows (the
 * noise is drawn over the exact rows in a canonical order, so different exact rows would release
 * differently).
 */
@QuarkusTest
@TestProfile(SparkDemoQuestionsTest.DemoOnSpark.class)
class SparkDemoQuestionsTest {
  private static final long SEED = 16;

  /** The demo at a small scale, every query on the embedded Spark, noise that can be replayed. */
  public static class DemoOnSpark implements QuarkusTestProfile {
    @Override
    public String getConfigProfile() {
      return "demo";
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(ReplayableNoise.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cleanroom.operator-key", Api.OPERATOR_KEY,
          "cleanroom.demo.customers", "2000",
          "cleanroom.demo.impressions", "20000",
          "cleanroom.demo.purchases", "10000",
          "cleanroom.query.engine", "spark",
          "cleanroom.spark.embedded", "true",
          // Tests run in the module's directory; the jars are spark-runtime's build output.
          "cleanroom.spark.runtime-dir", "../spark-runtime/target/spark-runtime/jars",
          "cleanroom.query.timeout", "120s");
    }
  }

  @Inject ReplayableNoise noise;
  @Inject Jdbc jdbc;
  @Inject Collaborations collaborations;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          reach by campaign (README) | SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY i.campaign_id ORDER BY reach DESC
          click-through as clicks over impressions | SELECT campaign_id, SUM(CAST(clicked AS INTEGER)) * 1.0 / COUNT(*) AS ctr FROM advertiser.impressions GROUP BY campaign_id
          CPM | SELECT campaign_id, SUM(cost) / COUNT(*) * 1000 AS cpm FROM advertiser.impressions GROUP BY campaign_id
          cost per reached person | SELECT i.campaign_id, SUM(i.cost) / COUNT(DISTINCT c.customer_id) AS cost_per_person FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY i.campaign_id
          average frequency | SELECT campaign_id, COUNT(*) * 1.0 / COUNT(DISTINCT email_hash) AS frequency FROM advertiser.impressions GROUP BY campaign_id
          clicks with FILTER | SELECT campaign_id, COUNT(*) FILTER (WHERE clicked) AS clicks FROM advertiser.impressions GROUP BY campaign_id
          reach of a segment | SELECT i.campaign_id, COUNT(DISTINCT CASE WHEN c.loyalty_tier = 'gold' THEN c.customer_id END) AS gold_reach FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY i.campaign_id
          reach by day | SELECT CAST(ts AS DATE) AS "day", COUNT(DISTINCT email_hash) AS reach FROM advertiser.impressions GROUP BY CAST(ts AS DATE)
          impressions per week | SELECT DATE_TRUNC('week', ts) AS week, COUNT(*) AS impressions FROM advertiser.impressions GROUP BY DATE_TRUNC('week', ts)
          a date range | SELECT campaign_id, COUNT(*) AS impressions FROM advertiser.impressions WHERE ts >= DATE '2026-02-01' AND ts < DATE '2026-03-01' GROUP BY campaign_id
          campaigns by name | SELECT campaign_id, COUNT(DISTINCT email_hash) AS reach FROM advertiser.impressions WHERE campaign_id LIKE 'c1%' GROUP BY campaign_id
          large campaigns only | SELECT campaign_id, COUNT(DISTINCT email_hash) AS reach FROM advertiser.impressions GROUP BY campaign_id HAVING COUNT(DISTINCT email_hash) > 100
          frequency distribution | SELECT LEAST(n, 10) AS frequency, COUNT(*) AS people FROM (SELECT email_hash, COUNT(*) AS n FROM advertiser.impressions GROUP BY email_hash) t GROUP BY LEAST(n, 10)
          campaigns per person | SELECT LEAST(campaigns, 5) AS campaigns_seen, COUNT(*) AS people FROM (SELECT email_hash, COUNT(DISTINCT campaign_id) AS campaigns FROM advertiser.impressions GROUP BY email_hash) t GROUP BY LEAST(campaigns, 5)
          overlap of two campaigns | SELECT COUNT(*) AS people_who_saw_both FROM (SELECT email_hash FROM advertiser.impressions GROUP BY email_hash HAVING MAX(CASE WHEN campaign_id = 'c1' THEN 1 ELSE 0 END) = 1 AND MAX(CASE WHEN campaign_id = 'c2' THEN 1 ELSE 0 END) = 1) t
          exposed versus unexposed customers | SELECT CASE WHEN e.n IS NULL THEN 'unexposed' ELSE 'exposed' END AS exposure, COUNT(*) AS customers, AVG(c.lifetime_spend) AS average_spend FROM retailer.customers c LEFT JOIN (SELECT email_hash, COUNT(*) AS n FROM advertiser.impressions GROUP BY email_hash) e ON c.email_hash = e.email_hash GROUP BY CASE WHEN e.n IS NULL THEN 'unexposed' ELSE 'exposed' END
          category mix of a campaign's audience | SELECT p.category, COUNT(DISTINCT c.customer_id) AS buyers FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash JOIN retailer.purchases p ON p.customer_id = c.customer_id WHERE i.campaign_id = 'c1' GROUP BY p.category
          conversions within a week of an ad | SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS converters FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash JOIN retailer.purchases p ON p.customer_id = c.customer_id WHERE p.ts > i.ts AND p.ts <= i.ts + INTERVAL '7' DAY GROUP BY i.campaign_id
          """)
  void campaignQuestion_answeredBySpark_asTheVectorizedExecutorAnswersIt(
      String question, String sql) {
    explain(sql).body("engine", equalTo("spark"));
    JsonPath onSpark = askWithReplayedNoise(sql);
    assertEquals("spark", onSpark.getString("privacy.engine"), question);
    assertTrue(onSpark.getList("rows").size() > 0, question + ": no group released");

    setDemoEngine("vectorized");
    try {
      JsonPath inProcess = askWithReplayedNoise(sql);
      assertEquals("vectorized", inProcess.getString("privacy.engine"), question);
      assertEquals(inProcess.getList("columns"), onSpark.getList("columns"), question);
      assertEquals(inProcess.getList("rows"), onSpark.getList("rows"), question);
      assertEquals(
          inProcess.getString("privacy.epsilonSpent"),
          onSpark.getString("privacy.epsilonSpent"),
          question);
    } finally {
      setDemoEngine(null);
    }
  }

  /**
   * Asks {@code sql} afresh (no stored answer, the budget as new) with the noise replayed from the
   * start, so that both engines' answers draw the same noise.
   */
  private JsonPath askWithReplayedNoise(String sql) {
    forgetAnswersAndSpending();
    noise.replay(SEED);
    return given()
        .header("Authorization", "Bearer demo-advertiser-key")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", sql, "purpose", "measurement"))
        .post("/api/v1/collaborations/demo/queries")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private io.restassured.response.ValidatableResponse explain(String sql) {
    return given()
        .header("Authorization", "Bearer demo-advertiser-key")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", sql, "purpose", "measurement"))
        .post("/api/v1/collaborations/demo/queries/explain")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(true));
  }

  private static void setDemoEngine(String engine) {
    Map<String, Object> body = new HashMap<>();
    body.put("engine", engine);
    Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(body)
        .put("/api/v1/collaborations/demo/engine")
        .then()
        .statusCode(204);
  }

  /** Test set-up only: the demo's stored answers and spent epsilon are forgotten. */
  private void forgetAnswersAndSpending() {
    long demo = collaborations.idOf("demo");
    jdbc.inTransaction(
        connection -> {
          for (String statement :
              List.of(
                  "delete from cached_answer where collaboration_id = " + demo,
                  "delete from budget_balance where collaboration = 'demo'",
                  "delete from budget_dataset_balance where collaboration = 'demo'")) {
            try (PreparedStatement delete = connection.prepareStatement(statement)) {
              delete.executeUpdate();
            }
          }
          return null;
        });
  }
}
