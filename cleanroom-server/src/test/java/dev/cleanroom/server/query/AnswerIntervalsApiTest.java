package dev.cleanroom.server.query;

import static dev.cleanroom.server.query.QueryStoryTest.ask;
import static dev.cleanroom.server.query.QueryStoryTest.loadedRoom;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;

/**
 * Every answer cell carries its 95% interval over HTTP: in JSON parallel to the rows, in CSV and
 * Arrow as {@code x_low95} and {@code x_high95} next to each noised column; explain tells what
 * epsilon gives a column plus or minus X and from how many people a group is shown.
 */
@QuarkusTest
class AnswerIntervalsApiTest {
  private static final String JOIN =
      " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash";
  private static final String CAMPAIGNS =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach, COUNT(*) AS impressions,"
          + " SUM(i.cost) AS spend, AVG(i.cost) AS avg_cost, SUM(i.cost) / COUNT(*) AS cpi"
          + JOIN
          + " GROUP BY i.campaign_id";
  private static final List<String> NOISED =
      List.of("reach", "impressions", "spend", "avg_cost", "cpi");
  private static final JsonPathConfig DOUBLES =
      new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

  @Test
  void everyCell_carriesItsInterval_inJsonCsvAndArrow() throws Exception {
    Collaboration room = loadedRoom("10");
    JsonPath json = ask(room, CAMPAIGNS).statusCode(200).extract().jsonPath().using(DOUBLES);
    List<List<Object>> rows = json.getList("rows");
    List<List<List<Number>>> intervals = json.getList("intervals");
    assertFalse(rows.isEmpty());
    assertEquals(rows.size(), intervals.size());
    assertEquals(List.of(false, true, true, true, true, true), json.getList("columns.noised"));
    int k = json.getInt("privacy.minimumDistinctUnits");
    double reachWidth = json.getDouble("privacy.noise.find { it.column == 'reach' }.ci95");
    for (int r = 0; r < rows.size(); r++) {
      List<Object> row = rows.get(r);
      List<List<Number>> cells = intervals.get(r);
      assertEquals(row.size(), cells.size());
      assertNull(cells.get(0), "a group key has no interval");
      for (int c = 1; c < 5; c++) {
        List<Number> cell = cells.get(c);
        double value = ((Number) row.get(c)).doubleValue();
        double low = cell.get(0).doubleValue();
        double high = cell.get(1).doubleValue();
        assertTrue(low <= value && value <= high, NOISED.get(c - 1) + " " + cell + " " + value);
      }
      // People: never below k; well above the threshold (about 635 here), close to the released
      // value ± the half-width (conditioning on the release still moves it by a person or two).
      double reach = ((Number) row.get(1)).doubleValue();
      assertTrue(cells.get(1).get(0).doubleValue() >= k);
      if (reach > 1000) {
        assertEquals(reach - reachWidth, cells.get(1).get(0).doubleValue(), 2);
        assertEquals(reach + reachWidth, cells.get(1).get(1).doubleValue(), 2);
      }
      // The average lies in what an average of cost in [0, 100] can be.
      assertTrue(
          cells.get(4).get(0).doubleValue() >= 0 && cells.get(4).get(1).doubleValue() <= 100);
      // The derived output's interval is the one the privacy report gives for it.
      List<Number> derived = json.getList("privacy.derived[0].intervals", List.class).get(r);
      if (derived == null) {
        assertNull(cells.get(5));
      } else {
        assertEquals(derived.get(0).doubleValue(), cells.get(5).get(0).doubleValue());
        assertEquals(derived.get(1).doubleValue(), cells.get(5).get(1).doubleValue());
      }
    }

    // CSV (the stored answer, so the same values): each noised column followed by its interval.
    String[] lines =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept("text/csv")
            .body(Map.of("sql", CAMPAIGNS))
            .post(room.path() + "/queries")
            .then()
            .statusCode(200)
            .header("Cleanroom-Cached", "true")
            .extract()
            .asString()
            .split("\r\n");
    List<String> header = new ArrayList<>(List.of("campaign_id"));
    for (String column : NOISED) {
      header.addAll(List.of(column, column + "_low95", column + "_high95"));
    }
    assertEquals(String.join(",", header), lines[0]);
    assertEquals(rows.size() + 1, lines.length);
    for (int r = 0; r < rows.size(); r++) {
      String[] fields = lines[r + 1].split(",", -1);
      assertEquals(rows.get(r).get(0), fields[0]);
      for (int c = 1; c <= NOISED.size(); c++) {
        List<Number> cell = intervals.get(r).get(c);
        int at = 1 + 3 * (c - 1);
        if (cell == null) {
          assertEquals("", fields[at + 1]);
          continue;
        }
        assertEquals(cell.get(0).doubleValue(), Double.parseDouble(fields[at + 1]), 1e-9);
        assertEquals(cell.get(1).doubleValue(), Double.parseDouble(fields[at + 2]), 1e-9);
      }
    }

    // Arrow: the same columns; the intervals as doubles.
    byte[] arrow =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept("application/vnd.apache.arrow.stream")
            .body(Map.of("sql", CAMPAIGNS))
            .post(room.path() + "/queries")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(arrow), allocator)) {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      assertEquals(header, batch.getSchema().getFields().stream().map(Field::getName).toList());
      assertTrue(reader.loadNextBatch());
      FieldVector low = batch.getVector("reach_low95");
      FieldVector high = batch.getVector("spend_high95");
      for (int r = 0; r < rows.size(); r++) {
        assertEquals(intervals.get(r).get(1).get(0).doubleValue(), (Double) low.getObject(r));
        assertEquals(intervals.get(r).get(3).get(1).doubleValue(), (Double) high.getObject(r));
      }
    }
  }

  @Test
  void explain_answersWhatEpsilonGivesPlusOrMinusX_andFromHowManyPeopleAGroupIsShown() {
    Collaboration room = loadedRoom("10");
    JsonPath table = explain(room, null).statusCode(200).extract().jsonPath().using(DOUBLES);
    assertEquals(NOISED.subList(0, 4), table.getList("accuracy.columns.column").subList(0, 4));
    // Without a target: 5, 10, 25, 50 and 100 people, rows or bounds; more epsilon for less.
    assertEquals(
        List.of(5.0, 10.0, 25.0, 50.0, 100.0),
        table.getList("accuracy.columns[0].targets.halfWidth", Double.class));
    assertEquals(
        List.of(500.0, 1000.0, 2500.0, 5000.0, 10000.0),
        table.getList("accuracy.columns[2].targets.halfWidth", Double.class));
    List<Double> epsilons = table.getList("accuracy.columns[0].targets.epsilon", Double.class);
    for (int i = 1; i < epsilons.size(); i++) {
      assertTrue(epsilons.get(i) < epsilons.get(i - 1), epsilons.toString());
    }
    double threshold = table.getDouble("accuracy.groupsShown.threshold");
    assertEquals(threshold, table.getDouble("accuracy.groupsShown.halfOfTheTime"));
    assertTrue(table.getDouble("accuracy.groupsShown.almostAlways") > threshold);
    assertTrue(table.getDouble("accuracy.groupsShown.halfOfTheTime") >= 50);

    // Asked for ± 10 on reach: the epsilon per query, which a policy at that epsilon then gives.
    JsonPath asked =
        explain(room, Map.of("reach", 10)).statusCode(200).extract().jsonPath().using(DOUBLES);
    assertEquals(
        List.of(10.0), asked.getList("accuracy.columns[0].targets.halfWidth", Double.class));
    double epsilon = asked.getDouble("accuracy.columns[0].targets[0].epsilon");
    assertTrue(epsilon > 0.5, "more than the policy's 0.5: " + epsilon);
    Collaboration stricter =
        loadedRoom(
            dev.cleanroom.server.Api.newCollaboration(),
            policy ->
                policy.replace("\"epsilonPerQuery\": 0.5", "\"epsilonPerQuery\": " + epsilon));
    JsonPath atThatEpsilon =
        explain(stricter, Map.of("reach", 10)).statusCode(200).extract().jsonPath().using(DOUBLES);
    assertTrue(atThatEpsilon.getDouble("accuracy.columns[0].ci95") <= 10);
    assertEquals(epsilon, atThatEpsilon.getDouble("accuracy.columns[0].targets[0].epsilon"));

    // A target for a column that is not noised, or not positive: 400 naming it.
    explain(room, Map.of("campaign_id", 10))
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("'campaign_id' is not a noised column"));
    explain(room, Map.of("reach", 0))
        .statusCode(400)
        .body("detail", containsString("half-width of 'reach' must be > 0"));
  }

  private static io.restassured.response.ValidatableResponse explain(
      Collaboration room, Map<String, Object> targets) {
    Map<String, Object> body =
        targets == null
            ? Map.of("sql", CAMPAIGNS)
            : Map.of("sql", CAMPAIGNS, "options", Map.of("targetHalfWidth", targets));
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(body)
        .post(room.path() + "/queries/explain")
        .then()
        .body("accepted", targets == null ? equalTo(true) : org.hamcrest.Matchers.anything());
  }
}
