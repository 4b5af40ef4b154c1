package dev.cleanroom.server.query;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator's metrics: served on the management port only, and moved by what the queries and
 * uploads of one collaboration really did. Other tests share the server, so figures are read as
 * differences, or under this test's own collaboration.
 */
@QuarkusTest
class MetricsApiTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(\\{[^}]*\\})? (\\S+)$");

  // Management URLs start at the management root path, /q.
  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @TestHTTPResource(value = "/health/ready", management = true)
  URL health;

  @Test
  void queriesAndUploads_moveTheirMetrics() {
    Collaboration room = QueryStoryTest.loadedRoom("2");
    String customers = "collaboration=\"" + room.name() + "\",dataset=\"retailer.customers\"";

    Map<String, Double> before = scrape();
    assertEquals(1.0, before.get("cleanroom_uploads_total{" + customers + ",outcome=\"stored\"}"));
    assertTrue(
        before.get("cleanroom_upload_bytes_total{" + customers + ",outcome=\"stored\"}") > 0);

    QueryStoryTest.ask(room, QueryStoryTest.REACH).statusCode(200);
    QueryStoryTest.ask(room, QueryStoryTest.REACH).statusCode(200);
    QueryStoryTest.ask(room, QueryStoryTest.PII).statusCode(422);

    Map<String, Double> after = scrape();
    assertEquals(0.5, after.get("cleanroom_epsilon_spent_total{" + customers + "}"), 1e-9);
    assertEquals(
        1.5,
        after.get("cleanroom_budget_remaining{analyst=\"advertiser\"," + customers + "}"),
        1e-9);
    assertEquals(
        1.0,
        delta(
            before,
            after,
            "cleanroom_query_duration_seconds_count{engine=\"vectorized\",outcome=\"answered\"}"));
    assertEquals(
        1.0,
        delta(
            before,
            after,
            "cleanroom_query_duration_seconds_count{engine=\"none\",outcome=\"cached\"}"));
    assertEquals(
        1.0,
        delta(
            before,
            after,
            "cleanroom_query_duration_seconds_count{engine=\"none\",outcome=\"refused\"}"));
    assertEquals(1.0, delta(before, after, "cleanroom_answer_cache_total{result=\"hit\"}"));
    assertTrue(after.get("cleanroom_loaded_versions_bytes") > 0, "the read versions stay loaded");
    assertTrue(after.containsKey("cleanroom_arrow_allocated_bytes{allocator=\"queries\"}"));
  }

  @Test
  void healthAndMetrics_areOnTheManagementPortOnly_withoutCredentials() {
    given().get(health.toString()).then().statusCode(200);
    given().get(metrics.toString()).then().statusCode(200);
    given().get("/q/metrics").then().statusCode(404);
    given().get("/q/health/ready").then().statusCode(404);
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
    return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
  }

  /** The samples of the Prometheus text format, by name and labels as written. */
  private Map<String, Double> scrape() {
    String text = given().get(metrics.toString()).then().statusCode(200).extract().asString();
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (sample.matches()) {
        String labels = sample.group(2) == null ? "" : sample.group(2);
        samples.put(sample.group(1) + labels, Double.parseDouble(sample.group(3)));
      }
    }
    return samples;
  }
}
