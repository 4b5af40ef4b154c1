package dev.cleanroom.server.query;

import static dev.cleanroom.server.query.QueryStoryTest.ask;
import static dev.cleanroom.server.query.QueryStoryTest.budgetOfCustomers;
import static dev.cleanroom.server.query.QueryStoryTest.loadedRoom;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

/**
 * Derived metrics over HTTP: a CPM computed after noise from its released parts, its privacy report
 * (parts, their noise, an interval per row), HAVING and ORDER BY on released values, the same
 * charge as the parts alone, JSON, CSV and Arrow alike, and one cache entry whatever the join
 * order.
 */
@QuarkusTest
class DerivedMetricsApiTest {
  private static final String JOIN =
      " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash";
  private static final String REVERSED_JOIN =
      " FROM retailer.customers c JOIN advertiser.impressions i ON c.email_hash = i.email_hash";
  private static final String CPM =
      "SELECT i.campaign_id, SUM(i.cost) / COUNT(*) * 1000 AS cpm"
          + JOIN
          + " GROUP BY i.campaign_id";
  private static final String PARTS =
      "SELECT i.campaign_id, SUM(i.cost) AS spend, COUNT(*) AS impressions"
          + JOIN
          + " GROUP BY i.campaign_id";
  private static final String PARTS_AND_CPM =
      "SELECT i.campaign_id, SUM(i.cost) AS spend, COUNT(*) AS impressions,"
          + " SUM(i.cost) / COUNT(*) * 1000 AS cpm"
          + JOIN
          + " GROUP BY i.campaign_id";
  private static final String TOP_CPM_WITH_REACH =
      "SELECT i.campaign_id, SUM(i.cost) / COUNT(*) * 1000 AS cpm,"
          + " COUNT(DISTINCT c.customer_id) AS reach"
          + JOIN
          + " GROUP BY i.campaign_id HAVING COUNT(DISTINCT c.customer_id) > 60"
          + " ORDER BY cpm DESC LIMIT 3";
  private static final String SUM_PART = "SUM(advertiser.impressions.cost)";
  // Released values have more digits than a float holds.
  private static final JsonPathConfig DOUBLES =
      new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

  @Test
  void cpm_isComputedFromItsNoisedPartsAndCostsWhatTheyCost() {
    Collaboration room = loadedRoom("10");

    // The parts alone, then the CPM alone: each one query's epsilon, and the same noise per part.
    JsonPath parts = ask(room, PARTS).statusCode(200).extract().jsonPath().using(DOUBLES);
    budgetOfCustomers(room, "0.5");
    JsonPath cpm = ask(room, CPM).statusCode(200).extract().jsonPath().using(DOUBLES);
    budgetOfCustomers(room, "1");
    assertEquals(0.5, cpm.getDouble("privacy.epsilonSpent"));
    assertEquals(List.of("campaign_id", "cpm"), cpm.getList("columns.name"));
    assertEquals("DOUBLE", cpm.getString("columns[1].type"));
    assertEquals(List.of(SUM_PART, "COUNT(*)"), cpm.getList("privacy.noise.column"));
    assertEquals(
        parts.getList("privacy.noise.scale", Double.class),
        cpm.getList("privacy.noise.scale", Double.class));
    assertEquals(
        parts.getList("privacy.noise.ci95", Double.class),
        cpm.getList("privacy.noise.ci95", Double.class));

    // The report names the parts with their noise and gives an interval per row around the value.
    assertEquals("cpm", cpm.getString("privacy.derived[0].column"));
    assertEquals(
        "((" + SUM_PART + " / COUNT(*)) * 1000)", cpm.getString("privacy.derived[0].expression"));
    assertEquals(List.of(SUM_PART, "COUNT(*)"), cpm.getList("privacy.derived[0].parts.column"));
    assertEquals(
        cpm.getList("privacy.noise.scale", Double.class),
        cpm.getList("privacy.derived[0].parts.scale", Double.class));
    List<List<Object>> rows = cpm.getList("rows");
    List<List<Number>> intervals = cpm.getList("privacy.derived[0].intervals");
    assertFalse(rows.isEmpty());
    assertEquals(rows.size(), intervals.size());
    int bounded = 0;
    for (int i = 0; i < rows.size(); i++) {
      Number value = (Number) rows.get(i).get(1);
      List<Number> interval = intervals.get(i);
      if (value != null && interval != null) {
        bounded++;
        double low = interval.get(0).doubleValue();
        double high = interval.get(1).doubleValue();
        assertTrue(low < high, interval.toString());
        assertTrue(
            low <= value.doubleValue() && value.doubleValue() <= high, interval + " " + value);
      }
    }
    // Not vacuous: the demo's campaigns are large enough for most rows to have a finite interval.
    assertTrue(bounded > 0, "no row had both a value and an interval: " + intervals);

    // Returned with its parts, the CPM is exactly their ratio (NULL for a count noised to 0).
    JsonPath both = ask(room, PARTS_AND_CPM).statusCode(200).extract().jsonPath().using(DOUBLES);
    assertEquals(List.of("spend", "impressions"), both.getList("privacy.noise.column"));
    assertEquals(List.of("spend", "impressions"), both.getList("privacy.derived[0].parts.column"));
    for (List<Object> row : both.<List<Object>>getList("rows")) {
      double spend = ((Number) row.get(1)).doubleValue();
      long impressions = ((Number) row.get(2)).longValue();
      if (impressions <= 0) {
        assertNull(row.get(3));
      } else {
        assertEquals(spend / impressions * 1000, ((Number) row.get(3)).doubleValue(), 1e-9 * spend);
      }
    }
  }

  @Test
  void havingAndOrderByOnDerived_applyToReleasedRowsInJsonCsvAndArrow() throws Exception {
    Collaboration room = loadedRoom("10");

    JsonPath json =
        ask(room, TOP_CPM_WITH_REACH).statusCode(200).extract().jsonPath().using(DOUBLES);
    List<List<Object>> rows = json.getList("rows");
    assertFalse(rows.isEmpty());
    assertTrue(rows.size() <= 3);
    double previous = Double.POSITIVE_INFINITY;
    for (List<Object> row : rows) {
      assertTrue(((Number) row.get(2)).longValue() > 60, "HAVING on the released reach: " + row);
      double value = ((Number) row.get(1)).doubleValue();
      assertTrue(value <= previous, "ORDER BY cpm DESC: " + rows);
      previous = value;
    }
    assertEquals(List.of("VARCHAR", "DOUBLE", "BIGINT"), json.getList("columns.type"));
    assertTrue(json.getString("privacy.derived[0].method").startsWith("interval arithmetic"));

    // CSV of the stored answer: same columns and rows, the report in headers without intervals.
    Response csv =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept("text/csv")
            .body(Map.of("sql", TOP_CPM_WITH_REACH))
            .post(room.path() + "/queries");
    assertEquals(200, csv.statusCode());
    List<String> lines = csv.asString().lines().toList();
    // Each noised column is followed by its 95% interval.
    assertEquals(
        "campaign_id,cpm,cpm_low95,cpm_high95,reach,reach_low95,reach_high95", lines.get(0));
    assertEquals(rows.size(), lines.size() - 1);
    for (int i = 0; i < rows.size(); i++) {
      String[] fields = lines.get(i + 1).split(",");
      assertEquals(rows.get(i).get(0), fields[0]);
      assertEquals(
          ((Number) rows.get(i).get(1)).doubleValue(), Double.parseDouble(fields[1]), 1e-3);
    }
    JsonNode header = new ObjectMapper().readTree(csv.header("Cleanroom-Privacy"));
    assertEquals("cpm", header.path("derived").path(0).path("column").asText());
    assertEquals(2, header.path("derived").path(0).path("parts").size());
    assertTrue(header.path("derived").path(0).path("intervals").isMissingNode());

    // Arrow: the ratio is a DOUBLE column, reach a BIGINT, each followed by its interval.
    byte[] arrow =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept("application/vnd.apache.arrow.stream")
            .body(Map.of("sql", TOP_CPM_WITH_REACH))
            .post(room.path() + "/queries")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(arrow), allocator)) {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      assertTrue(reader.loadNextBatch());
      assertEquals(
          new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
          batch.getSchema().getFields().get(1).getType());
      assertEquals("reach", batch.getSchema().getFields().get(4).getName());
      assertEquals(new ArrowType.Int(64, true), batch.getSchema().getFields().get(4).getType());
      assertEquals(rows.size(), batch.getRowCount());
      assertEquals(
          ((Number) rows.get(0).get(1)).doubleValue(), (Double) batch.getVector(1).getObject(0), 0);
    }
    budgetOfCustomers(room, "0.5");

    // Explain names the derived column's parts.
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", TOP_CPM_WITH_REACH))
        .post(room.path() + "/queries/explain")
        .then()
        .statusCode(200)
        .body("columns[1].role", equalTo("DERIVED"))
        .body("columns[1].parts", equalTo(List.of(SUM_PART, "COUNT(*)")))
        .body("columns[2].role", equalTo("DISTINCT_UNITS"));
  }

  @Test
  void joinWrittenTheOtherWayRound_isAnsweredFromTheCacheWithoutCharge() {
    Collaboration room = loadedRoom("10");
    JsonPath first = ask(room, CPM).statusCode(200).extract().jsonPath().using(DOUBLES);
    budgetOfCustomers(room, "0.5");

    JsonPath reversed =
        ask(room, CPM.replace(JOIN, REVERSED_JOIN))
            .statusCode(200)
            .body("privacy.cached", equalTo(true))
            .body("privacy.epsilonSpent", equalTo(0))
            .extract()
            .jsonPath()
            .using(DOUBLES);
    assertEquals(first.getList("rows"), reversed.getList("rows"));
    assertNotNull(reversed.getList("privacy.derived"));
    budgetOfCustomers(room, "0.5");
  }
}
