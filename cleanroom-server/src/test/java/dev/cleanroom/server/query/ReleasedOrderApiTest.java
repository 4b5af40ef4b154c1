package dev.cleanroom.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.Test;

/**
 * The order of released rows is an output, so it depends on the released values only: the same rows
 * uploaded in opposite orders give the same order of groups, in JSON, CSV and Arrow. The analyst
 * uploads the table itself, so it controls the order in which groups first appear (an engine
 * without the canonical order returns groups in that order).
 */
@QuarkusTest
class ReleasedOrderApiTest {
  private static final List<String> REGIONS = List.of("south", "north");
  // The order in which bands first appear in the forward upload; none of the two uploads has them
  // in canonical order.
  private static final List<String> BANDS = List.of("45-54", "18-24", "65+", "25-34");
  private static final int VISITORS_PER_GROUP = 30;

  private static final String BY_BAND =
      "SELECT band, COUNT(DISTINCT visitor_id) AS people FROM advertiser.visits GROUP BY band";
  private static final String BY_REGION_AND_BAND_ORDERED_BY_REGION =
      "SELECT region, band, COUNT(DISTINCT visitor_id) AS people FROM advertiser.visits"
          + " GROUP BY region, band ORDER BY region DESC";
  private static final String BY_BAND_LIMITED = BY_BAND + " LIMIT 2";

  @Test
  void sameRowsInOppositeOrders_sameCanonicalOrderOfGroups() throws Exception {
    Collaboration room = Api.newCollaboration();
    room.declare(
        "advertiser",
        "visits",
        List.of(
            Map.of("name", "visitor_id", "type", "BIGINT"),
            Map.of("name", "region", "type", "VARCHAR"),
            Map.of("name", "band", "type", "VARCHAR")));
    approvePolicy(room);

    List<String> rows = rows();
    upload(room, rows);
    Answers forward = answers(room);
    List<String> reversed = new ArrayList<>(rows);
    Collections.reverse(reversed);
    upload(room, reversed);
    Answers backward = answers(room);

    Answers canonical =
        new Answers(
            List.of("18-24", "25-34", "45-54", "65+"),
            List.of(
                "south/18-24",
                "south/25-34",
                "south/45-54",
                "south/65+",
                "north/18-24",
                "north/25-34",
                "north/45-54",
                "north/65+"),
            List.of("18-24", "25-34"));
    assertEquals(canonical, forward);
    assertEquals(canonical, backward);
  }

  /** The group order of each query, read from its CSV, JSON and Arrow answers (all must agree). */
  private record Answers(List<String> byBand, List<String> byRegionAndBand, List<String> limited) {}

  private static Answers answers(Collaboration room) throws Exception {
    // CSV first, so it is the answer computed for this version; JSON and Arrow are the stored one.
    List<String> byBand = csvKeys(room, BY_BAND, 1);
    assertEquals(byBand, jsonKeys(room, BY_BAND, 1));
    assertEquals(byBand, arrowKeys(room, BY_BAND));
    List<String> byRegionAndBand = csvKeys(room, BY_REGION_AND_BAND_ORDERED_BY_REGION, 2);
    assertEquals(byRegionAndBand, jsonKeys(room, BY_REGION_AND_BAND_ORDERED_BY_REGION, 2));
    List<String> limited = csvKeys(room, BY_BAND_LIMITED, 1);
    assertEquals(limited, jsonKeys(room, BY_BAND_LIMITED, 1));
    return new Answers(byBand, byRegionAndBand, limited);
  }

  /** Every visitor in one group; the forward upload lists groups in the order of the constants. */
  private static List<String> rows() {
    List<String> rows = new ArrayList<>();
    long visitor = 1;
    for (String region : REGIONS) {
      for (String band : BANDS) {
        for (int i = 0; i < VISITORS_PER_GROUP; i++) {
          rows.add(visitor++ + "," + region + "," + band);
        }
      }
    }
    return rows;
  }

  private static void upload(Collaboration room, List<String> rows) {
    room.as("advertiser")
        .contentType("text/csv")
        .body("visitor_id,region,band\n" + String.join("\n", rows) + "\n")
        .put(room.path() + "/datasets/visits/data")
        .then()
        .statusCode(200);
  }

  /** Epsilon so large that every group of 30 visitors passes the release threshold. */
  private static void approvePolicy(Collaboration room) {
    String policy =
        """
        {
          "table": "advertiser.visits",
          "columns": [
            {"name": "visitor_id", "type": "BIGINT", "class": "PRIVACY_UNIT"},
            {"name": "region", "type": "VARCHAR", "class": "DIMENSION"},
            {"name": "band", "type": "VARCHAR", "class": "DIMENSION"}
          ],
          "allowedJoins": [],
          "minimumDistinctUnits": 10,
          "privacy": {
            "epsilonPerQuery": 10,
            "delta": 1e-6,
            "maxGroupsContributed": 1,
            "maxContributionsPerGroup": 1,
            "budget": 1000,
            "budgetRefresh": "NONE",
            "releaseRemainder": false
          },
          "allowedAnalysts": ["advertiser"]
        }
        """;
    room.approvePolicy("visits", policy, 1);
  }

  private static Response ask(Collaboration room, String sql, String accept) {
    Response response =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .accept(accept)
            .body(Map.of("sql", sql))
            .post(room.path() + "/queries");
    assertEquals(200, response.statusCode(), response.asString());
    return response;
  }

  /** The first {@code keys} columns of each row, joined by '/'. */
  private static List<String> csvKeys(Collaboration room, String sql, int keys) {
    String[] lines = ask(room, sql, "text/csv").asString().split("\r\n");
    List<String> groups = new ArrayList<>();
    for (String line : Arrays.asList(lines).subList(1, lines.length)) {
      groups.add(String.join("/", Arrays.asList(line.split(",")).subList(0, keys)));
    }
    return groups;
  }

  private static List<String> jsonKeys(Collaboration room, String sql, int keys) {
    List<List<Object>> rows = ask(room, sql, "application/json").jsonPath().getList("rows");
    List<String> groups = new ArrayList<>();
    for (List<Object> row : rows) {
      groups.add(String.join("/", row.subList(0, keys).stream().map(String::valueOf).toList()));
    }
    return groups;
  }

  private static List<String> arrowKeys(Collaboration room, String sql) throws Exception {
    byte[] arrow = ask(room, sql, "application/vnd.apache.arrow.stream").asByteArray();
    List<String> groups = new ArrayList<>();
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(arrow), allocator)) {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        VarCharVector keys = (VarCharVector) batch.getVector(0);
        for (int i = 0; i < batch.getRowCount(); i++) {
          groups.add(keys.getObject(i).toString());
        }
      }
    }
    return groups;
  }
}
