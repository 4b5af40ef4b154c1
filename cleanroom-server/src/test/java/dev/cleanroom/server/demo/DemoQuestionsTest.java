package dev.cleanroom.server.demo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The questions a media analyst asks first (issue #14's list), as the analyst writes them, on the
 * demo: each is accepted by explain (which charges nothing), so no question type regresses into a
 * refusal unnoticed. The corpus holds their exact rows; DemoProfileTest runs some of them.
 */
@QuarkusTest
@TestProfile(DemoProfileTest.Demo.class)
class DemoQuestionsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          click-through as clicks over impressions | SELECT campaign_id, SUM(CAST(clicked AS INTEGER)) * 1.0 / COUNT(*) AS ctr FROM advertiser.impressions GROUP BY campaign_id
          CPM | SELECT campaign_id, SUM(cost) / COUNT(*) * 1000 AS cpm FROM advertiser.impressions GROUP BY campaign_id
          cost per reached person | SELECT i.campaign_id, SUM(i.cost) / COUNT(DISTINCT c.customer_id) AS cost_per_person FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY i.campaign_id
          average frequency | SELECT campaign_id, COUNT(*) * 1.0 / COUNT(DISTINCT email_hash) AS frequency FROM advertiser.impressions GROUP BY campaign_id
          clicks with FILTER | SELECT campaign_id, COUNT(*) FILTER (WHERE clicked) AS clicks FROM advertiser.impressions GROUP BY campaign_id
          clicks as a cast flag | SELECT campaign_id, SUM(CAST(clicked AS INTEGER)) AS clicks FROM advertiser.impressions GROUP BY campaign_id
          reach of a segment | SELECT i.campaign_id, COUNT(DISTINCT CASE WHEN c.loyalty_tier = 'gold' THEN c.customer_id END) AS gold_reach FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY i.campaign_id
          reach by day | SELECT CAST(ts AS DATE) AS "day", COUNT(DISTINCT email_hash) AS reach FROM advertiser.impressions GROUP BY CAST(ts AS DATE)
          a date range | SELECT campaign_id, COUNT(*) AS impressions FROM advertiser.impressions WHERE ts >= DATE '2026-02-01' AND ts < DATE '2026-03-01' GROUP BY campaign_id
          impressions per week | SELECT DATE_TRUNC('week', ts) AS week, COUNT(*) AS impressions FROM advertiser.impressions GROUP BY DATE_TRUNC('week', ts)
          campaigns by name | SELECT campaign_id, COUNT(DISTINCT email_hash) AS reach FROM advertiser.impressions WHERE campaign_id LIKE 'c1%' GROUP BY campaign_id
          large campaigns only | SELECT campaign_id, COUNT(DISTINCT email_hash) AS reach FROM advertiser.impressions GROUP BY campaign_id HAVING COUNT(DISTINCT email_hash) > 100
          frequency distribution | SELECT LEAST(n, 10) AS frequency, COUNT(*) AS people FROM (SELECT email_hash, COUNT(*) AS n FROM advertiser.impressions GROUP BY email_hash) t GROUP BY LEAST(n, 10)
          campaigns per person | SELECT LEAST(campaigns, 5) AS campaigns_seen, COUNT(*) AS people FROM (SELECT email_hash, COUNT(DISTINCT campaign_id) AS campaigns FROM advertiser.impressions GROUP BY email_hash) t GROUP BY LEAST(campaigns, 5)
          overlap of two campaigns | SELECT COUNT(*) AS people_who_saw_both FROM (SELECT email_hash FROM advertiser.impressions GROUP BY email_hash HAVING MAX(CASE WHEN campaign_id = 'c1' THEN 1 ELSE 0 END) = 1 AND MAX(CASE WHEN campaign_id = 'c2' THEN 1 ELSE 0 END) = 1) t
          exposed versus unexposed customers | SELECT CASE WHEN e.n IS NULL THEN 'unexposed' ELSE 'exposed' END AS exposure, COUNT(*) AS customers, AVG(c.lifetime_spend) AS average_spend FROM retailer.customers c LEFT JOIN (SELECT email_hash, COUNT(*) AS n FROM advertiser.impressions GROUP BY email_hash) e ON c.email_hash = e.email_hash GROUP BY CASE WHEN e.n IS NULL THEN 'unexposed' ELSE 'exposed' END
          category mix of a campaign's audience | SELECT p.category, COUNT(DISTINCT c.customer_id) AS buyers FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash JOIN retailer.purchases p ON p.customer_id = c.customer_id WHERE i.campaign_id = 'c1' GROUP BY p.category
          conversions within a week of an ad | SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS converters FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash JOIN retailer.purchases p ON p.customer_id = c.customer_id WHERE p.ts > i.ts AND p.ts <= i.ts + INTERVAL '7' DAY GROUP BY i.campaign_id
          """)
  void analystQuestion_isAccepted(String question, String sql) {
    given()
        .header("Authorization", "Bearer demo-advertiser-key")
        .contentType("application/json")
        // The demo's purchases record consent by purpose; the other tables accept any purpose.
        .body(Map.of("sql", sql, "purpose", "measurement"))
        .post("/api/v1/collaborations/demo/queries/explain")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(true))
        .body("columns.size()", greaterThan(0));
  }
}
