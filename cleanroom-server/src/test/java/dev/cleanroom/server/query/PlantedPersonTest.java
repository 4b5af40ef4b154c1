package dev.cleanroom.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.examples.demo.DemoCsv;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The planted-person experiment over HTTP: an advertiser uploads its impressions plus many rows
 * under one customer's fingerprint and asks a fine-grained join. In one world the retailer has that
 * customer, in the other it does not. With the rows per join key capped before the join, both
 * worlds answer with the same status in about the same time; with the cap lifted (the control, as
 * the server behaved before the cap), the present world is measurably slower, so the experiment can
 * tell the worlds apart when the server leaks.
 */
@QuarkusTest
@TestProfile(PlantedPersonTest.LargeUploads.class)
class PlantedPersonTest {
  /** The planted table is larger than the tests' usual upload limit. */
  public static class LargeUploads implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("cleanroom.upload.max-bytes", "134217728");
    }
  }

  private static final int CUSTOMERS = 2_000;
  // Few ordinary impressions: each is a group of its own in this fine-grained query, and noising
  // their groups is work both worlds do alike. With 20,000 that common work (discrete Gaussian
  // noise
  // per group) had grown to most of the answer's time and diluted the control's ratio to 1.3.
  private static final int IMPRESSIONS = 5_000;
  private static final int PLANTED = 500_000;
  private static final int WARM_UP = 2;
  private static final int MEASURED = 9;
  private static final String NO_CAP = "100000000";
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  @Test
  void plantedRows_takeTheSameTimeAndStatusWhetherThePersonIsPresentOrNot() {
    Collaboration present = room(true);
    Collaboration absent = room(false);

    approve(present, NO_CAP, 1);
    approve(absent, NO_CAP, 1);
    // A leak shows in every measurement; a busy machine spoils one now and then, so a
    // measurement that misses is taken once more before the test fails.
    double uncapped = latencyRatio(present, absent, "uncapped");
    if (uncapped <= 1.3) {
      uncapped = latencyRatio(present, absent, "uncapped-again");
    }
    assertTrue(
        uncapped > 1.3,
        "control: without the cap the present world must be slower, ratio " + uncapped);

    approve(present, null, 2);
    approve(absent, null, 2);
    double capped = latencyRatio(present, absent, "capped");
    if (capped >= 1.2) {
      capped = latencyRatio(present, absent, "capped-again");
    }
    assertTrue(capped < 1.2, "with the cap the worlds must look alike, ratio " + capped);
  }

  /** Latency of the present world over the absent world's (faster half), queries interleaved. */
  private static double latencyRatio(Collaboration present, Collaboration absent, String label) {
    List<Long> presentMillis = new ArrayList<>();
    List<Long> absentMillis = new ArrayList<>();
    for (int i = 0; i < WARM_UP + MEASURED; i++) {
      // A different literal each time: an answer from the cache would take no time at all.
      String sql =
          "SELECT i.campaign_id, i.ts, COUNT(*) AS n, SUM(i.cost) AS spend, AVG(i.cost) AS cpi"
              + " FROM advertiser.impressions i JOIN"
              + " retailer.customers c ON i.email_hash = c.email_hash WHERE i.campaign_id <> '"
              + label
              + i
              + "' GROUP BY i.campaign_id, i.ts";
      long p = timedStatus(present, sql);
      long a = timedStatus(absent, sql);
      if (i >= WARM_UP) {
        presentMillis.add(p);
        absentMillis.add(a);
      }
    }
    double ratio = fastHalf(presentMillis) / fastHalf(absentMillis);
    System.out.printf(
        "planted-person %s: present %s ms, absent %s ms, ratio %.2f%n",
        label, presentMillis, absentMillis, ratio);
    return ratio;
  }

  /** The query's latency in milliseconds; it must answer 200 in either world. */
  private static long timedStatus(Collaboration room, String sql) {
    long start = System.nanoTime();
    int status =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .body(Map.of("sql", sql))
            .post(room.path() + "/queries")
            .then()
            .extract()
            .statusCode();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, status, "the query's status must not depend on the person");
    return millis;
  }

  /** The mean of the faster half: interference from the machine only ever adds time. */
  private static double fastHalf(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.subList(0, (sorted.size() + 1) / 2).stream()
        .mapToLong(v -> v)
        .average()
        .orElse(0);
  }

  /**
   * The demo tables of a new collaboration, the advertiser's with {@link #PLANTED} rows under the
   * fingerprint of an opted-in customer, who is in the retailer's table only when {@code present}.
   */
  private static Collaboration room(boolean present) {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    room.declareImpressionsAs("advertiser");
    DemoDataGenerator generator = TestData.generator(room.name());
    DemoDataGenerator.Customers customers = generator.customers(CUSTOMERS);
    int target = 0;
    while (customers.optedOut()[target]) {
      target++;
    }
    String customersCsv = TestData.customersCsv(customers);
    if (!present) {
      List<String> lines = new ArrayList<>(List.of(customersCsv.split("\n")));
      lines.remove(target + 1);
      customersCsv = String.join("\n", lines) + "\n";
    }
    room.upload("retailer", "customers", "text/csv", customersCsv.getBytes(StandardCharsets.UTF_8));
    StringWriter impressions = new StringWriter();
    try {
      DemoCsv.writeImpressions(generator.impressions(customers, IMPRESSIONS), impressions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalDateTime start = LocalDateTime.of(2026, 3, 1, 0, 0);
    String fingerprint = customers.emailHash()[target];
    for (int i = 0; i < PLANTED; i++) {
      impressions
          .append(Long.toString(50_000_000L + i))
          .append(',')
          .append(fingerprint)
          .append(",c")
          .append(Integer.toString(i % 12))
          .append(',')
          .append(TIMESTAMP.format(start.plusSeconds(i)))
          .append(",false,1.0\n");
    }
    room.upload(
        "advertiser",
        "impressions",
        "text/csv",
        impressions.toString().getBytes(StandardCharsets.UTF_8));
    return room;
  }

  /** Approves the demo policies as {@code version}, with the rows-per-key cap replaced if given. */
  private static void approve(Collaboration room, String maxRowsPerJoinKey, int version) {
    for (String dataset : List.of("customers", "impressions")) {
      String table = (dataset.equals("customers") ? "retailer." : "advertiser.") + dataset;
      String policy = TestData.demoPolicy(table).replace("\"budget\": 10,", "\"budget\": 1000,");
      if (maxRowsPerJoinKey != null) {
        policy =
            policy.replaceAll(
                "\"maxRowsPerJoinKey\": \\d+", "\"maxRowsPerJoinKey\": " + maxRowsPerJoinKey);
      }
      room.approvePolicy(dataset, policy, version);
    }
  }
}
