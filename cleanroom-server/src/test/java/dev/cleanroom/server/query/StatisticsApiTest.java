package dev.cleanroom.server.query;

import static dev.cleanroom.server.query.QueryStoryTest.ask;
import static dev.cleanroom.server.query.QueryStoryTest.loadedRoom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Variances and quantiles over HTTP: their parts in the privacy report with their noise, values
 * within the range the statistic can take, an interval per row, and the same answer as CSV.
 */
@QuarkusTest
class StatisticsApiTest {
  private static final String STATISTICS =
      "SELECT campaign_id, STDDEV_POP(cost) AS spread,"
          + " PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY cost) AS median_cost,"
          + " PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY cost) AS p90"
          + " FROM advertiser.impressions GROUP BY campaign_id";
  private static final JsonPathConfig DOUBLES =
      new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

  @Test
  void spreadAndQuantiles_areReleasedFromTheirPartsWithTheirNoiseAndIntervals() {
    Collaboration room = loadedRoom("10");

    JsonPath json = ask(room, STATISTICS).statusCode(200).extract().jsonPath().using(DOUBLES);

    // Three parts for the deviation, one histogram for both quantiles: four shares of noise.
    assertEquals(
        List.of(
            "STDDEV_POP(advertiser.impressions.cost) part: people with a value",
            "STDDEV_POP(advertiser.impressions.cost) part: sum of (total - 50)",
            "STDDEV_POP(advertiser.impressions.cost) part: sum of (total - 50)^2",
            "histogram of advertiser.impressions.cost per person (32 slices of [0, 100])"),
        json.getList("privacy.noise.column"));
    assertEquals("discrete-laplace-histogram", json.getString("privacy.noise[3].mechanism"));
    assertEquals(List.of("spread", "median_cost", "p90"), json.getList("privacy.derived.column"));
    List<List<Object>> rows = json.getList("rows");
    assertFalse(rows.isEmpty());
    for (List<Object> row : rows) {
      for (int column = 1; column <= 3; column++) {
        Object value = row.get(column);
        if (value != null) {
          double number = ((Number) value).doubleValue();
          // A deviation of values in [0, 100] is at most 50; a quantile is within the bounds.
          assertTrue(number >= 0 && number <= (column == 1 ? 50 : 100), row.toString());
        }
      }
    }
    List<List<Number>> intervals = json.getList("privacy.derived[1].intervals");
    assertEquals(rows.size(), intervals.size());
    for (List<Number> interval : intervals) {
      assertTrue(interval.get(0).doubleValue() >= 0, interval.toString());
      assertTrue(interval.get(1).doubleValue() <= 100, interval.toString());
    }

    Response csv =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept("text/csv")
            .body(Map.of("sql", STATISTICS))
            .post(room.path() + "/queries");
    assertEquals(200, csv.statusCode());
    List<String> lines = csv.asString().lines().toList();
    assertEquals(
        "campaign_id,spread,spread_low95,spread_high95,median_cost,median_cost_low95,"
            + "median_cost_high95,p90,p90_low95,p90_high95",
        lines.get(0));
    assertEquals(rows.size(), lines.size() - 1);
  }
}
