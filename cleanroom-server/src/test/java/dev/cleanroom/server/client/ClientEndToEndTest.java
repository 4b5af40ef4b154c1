package dev.cleanroom.server.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command-line client ({@code java -jar cleanroom-client.jar}, built by the client
 * module and copied here by the build) against this running server, each command its own process as
 * on a member's machine: the retailer encrypts and uploads its customers, the advertiser uploads
 * impressions and queries the join, writes the answer as CSV and Parquet and reads its budget, and
 * the privacy officer verifies the audit chain, then finds it broken once an event is edited.
 */
@QuarkusTest
class ClientEndToEndTest {
  private static final String JOIN_QUERY =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach"
          + " FROM advertiser.impressions i JOIN retailer.customers c"
          + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id ORDER BY reach DESC";

  @TestHTTPResource("/")
  URL server;

  @Inject DataSource dataSource;

  @TempDir Path directory;

  @Test
  void memberWorkflow_throughThePackagedClient() throws Exception {
    Collaboration room = Api.newCollaboration();
    declareCustomersWithoutEmail(room);
    room.declareImpressionsAs("advertiser");

    // The retailer's raw file: email_hash still holds the plain e-mail before encrypt runs.
    DemoDataGenerator plain = new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, e -> e);
    Path raw = directory.resolve("customers.csv");
    Files.writeString(raw, TestData.customersCsv(plain.customers(3_000)), StandardCharsets.UTF_8);
    Path encrypted = directory.resolve("customers-encrypted.csv");
    Run encrypt =
        client(
            Map.of("CLEANROOM_SHARED_SECRET", TestData.SHARED_SECRET),
            "encrypt",
            "--input",
            raw.toString(),
            "--output",
            encrypted.toString(),
            "--collaboration",
            room.name(),
            "--secret-env",
            "CLEANROOM_SHARED_SECRET",
            "--fingerprint",
            "email_hash=email_hash:email",
            "--drop",
            "email");
    assertEquals(0, encrypt.status(), encrypt::toString);
    assertEquals("wrote 3000 shuffled rows to " + encrypted, encrypt.err().strip());
    assertFalse(Files.readString(encrypted).contains("@example.com"), "no raw e-mail leaves");

    Run retailerUpload =
        client(
            member(room, "retailer"),
            "upload",
            "-c",
            room.name(),
            "-d",
            "customers",
            encrypted.toString());
    assertEquals(0, retailerUpload.status(), retailerUpload::toString);
    assertEquals("retailer.customers version 1", retailerUpload.out().strip());
    long encryptedSize = Files.size(encrypted);
    assertEquals(
        "sent "
            + String.format(java.util.Locale.ROOT, "%.1f KiB", encryptedSize / 1024.0)
            + " ("
            + encryptedSize
            + " bytes)",
        retailerUpload.err().strip());

    DemoDataGenerator fingerprinted = TestData.generator(room.name());
    Path impressions = directory.resolve("impressions.arrows");
    Files.write(
        impressions,
        TestData.impressionsArrow(
            fingerprinted.impressions(fingerprinted.customers(3_000), 30_000)));
    Run advertiserUpload =
        client(
            keyFile(room, "advertiser"),
            "upload",
            "-c",
            room.name(),
            "-d",
            "impressions",
            impressions.toString(),
            "--api-key-file",
            directory.resolve("advertiser.key").toString());
    assertEquals(0, advertiserUpload.status(), advertiserUpload::toString);
    assertEquals("advertiser.impressions version 1", advertiserUpload.out().strip());

    room.approvePolicy("customers", policyWithoutEmail(), 1);
    room.approvePolicy("impressions", TestData.demoPolicy("advertiser.impressions"), 1);

    Run query = client(member(room, "advertiser"), "query", "-c", room.name(), JOIN_QUERY);
    assertEquals(0, query.status(), query::toString);
    List<String> lines = Arrays.asList(query.out().split("\\R"));
    assertTrue(lines.get(0).matches("campaign_id +reach"), query::toString);
    assertTrue(lines.get(1).matches("-+  -+"), query::toString);
    assertTrue(lines.get(2).matches("\\S+ +\\d+"), query::toString);
    assertTrue(lines.contains("epsilon charged:   0.5"), query::toString);
    assertTrue(query.out().contains("epsilon left:"), query::toString);
    // Not asked for (options.suppressedGroups), so neither spent on nor shown.
    assertFalse(query.out().contains("groups suppressed"), query::toString);
    assertTrue(query.out().contains("noise on reach: "), query::toString);

    Path csv = directory.resolve("answer.csv");
    Run toCsv =
        client(member(room, "advertiser"), "query", "-c", room.name(), "-o", csv.toString(), "-");
    // "-": the SQL from stdin; the same query again is the stored answer, at no cost.
    assertEquals(0, toCsv.status(), toCsv::toString);
    List<String> csvLines = Files.readAllLines(csv);
    assertEquals("campaign_id,reach,reach_low95,reach_high95", csvLines.get(0));
    int tableRows = lines.indexOf("") - 2;
    assertEquals(tableRows + 1, csvLines.size(), "the header and the same rows as the table");
    assertTrue(toCsv.out().contains("(the same answer as before"), toCsv::toString);

    Path parquet = directory.resolve("answer.parquet");
    Run toParquet =
        client(
            member(room, "advertiser"),
            "query",
            "-c",
            room.name(),
            "--output",
            parquet.toString(),
            JOIN_QUERY);
    assertEquals(0, toParquet.status(), toParquet::toString);
    byte[] parquetBytes = Files.readAllBytes(parquet);
    byte[] magic = "PAR1".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(magic, Arrays.copyOfRange(parquetBytes, 0, 4));
    assertArrayEquals(
        magic, Arrays.copyOfRange(parquetBytes, parquetBytes.length - 4, parquetBytes.length));
    assertEquals(
        "wrote " + tableRows + " rows to " + parquet + " (parquet)", toParquet.err().strip());

    Run refused =
        client(
            member(room, "advertiser"),
            "query",
            "-c",
            room.name(),
            "SELECT c.customer_id FROM retailer.customers c");
    assertEquals(3, refused.status(), refused::toString);
    assertEquals("", refused.out());
    assertTrue(refused.err().startsWith("cleanroom query: 422 "), refused::toString);

    Run budget = client(member(room, "advertiser"), "budget", "-c", room.name());
    assertEquals(0, budget.status(), budget::toString);
    assertTrue(budget.out().startsWith("dataset "), budget::toString);
    assertTrue(budget.out().contains("retailer.customers"), budget::toString);

    JsonPath serverVerdict =
        room.as("privacy").get(room.path() + "/audit/verify").then().extract().jsonPath();
    Run verify = client(member(room, "privacy"), "audit", "verify", "-c", room.name());
    assertEquals(0, verify.status(), verify::toString);
    assertEquals(
        "OK: "
            + serverVerdict.getLong("verifiedEvents")
            + " events, head at position "
            + serverVerdict.getLong("verifiedEvents")
            + ": "
            + serverVerdict.getString("headHash"),
        verify.out().strip());
    Run list = client(member(room, "privacy"), "audit", "list", "-c", room.name());
    assertEquals(0, list.status(), list::toString);
    assertTrue(list.out().contains("COLLABORATION_CREATED"), list::toString);

    editAuditEvent(room, 3);
    Run broken = client(member(room, "privacy"), "audit", "verify", "-c", room.name());
    assertEquals(5, broken.status(), broken::toString);
    assertEquals(
        "BROKEN at position 3: the event was modified (2 events before it verify)",
        broken.out().strip());
  }

  @Test
  void uploadOverTheServersLimit_isRefusedWith413() throws Exception {
    Collaboration room = Api.newCollaboration();
    declareCustomersWithoutEmail(room);
    Path large = directory.resolve("large.csv");
    StringBuilder csv =
        new StringBuilder(
            "customer_id,email_hash,zip,age_band,loyalty_tier,lifetime_spend,opted_out\n");
    for (int i = 0; csv.length() < 7_000_000; i++) {
      csv.append(i).append(",,10115,25-34,gold,12.5,false\n");
    }
    Files.writeString(large, csv);

    Run run =
        client(
            member(room, "retailer"),
            "upload",
            "-c",
            room.name(),
            "-d",
            "customers",
            large.toString());

    assertEquals(3, run.status(), run::toString);
    assertTrue(run.err().contains("cleanroom upload: 413 "), run::toString);
    assertEquals("", run.out());
  }

  @Test
  void unreachableServerAndUsageErrors_haveTheirExitStatuses() throws Exception {
    Run unreachable =
        client(
            Map.of("CLEANROOM_API_KEY", "some-key"),
            "budget",
            "-c",
            "demo",
            "--server",
            "http://127.0.0.1:1");
    Run usage = client(Map.of(), "encrypt", "--input", "x.csv");
    Run help = client(Map.of(), "audit", "verify", "--help");

    assertEquals(4, unreachable.status(), unreachable::toString);
    assertEquals(2, usage.status(), usage::toString);
    assertTrue(usage.err().contains("Missing required"), usage::toString);
    assertEquals(0, help.status(), help::toString);
    assertTrue(help.out().contains("5   the audit chain does not verify"), help::toString);
  }

  private Map<String, String> member(Collaboration room, String member) {
    return Map.of(
        "CLEANROOM_SERVER", server.toString(), "CLEANROOM_API_KEY", room.keys().get(member));
  }

  /** Only the server in the environment; the key in a file next to the data. */
  private Map<String, String> keyFile(Collaboration room, String member) throws IOException {
    Files.writeString(directory.resolve(member + ".key"), room.keys().get(member) + "\n");
    return Map.of("CLEANROOM_SERVER", server.toString());
  }

  /**
   * Runs the packaged client as its own process, with its own environment; stdin holds the query.
   */
  private Run client(Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("cleanroom.client.jar", "missing-system-property"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          "the packaged client is missing at " + jar + " (the build copies it there)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(directory, "out", ".txt");
    Path err = Files.createTempFile(directory, "err", ".txt");
    Path in = Files.writeString(Files.createTempFile(directory, "in", ".sql"), JOIN_QUERY);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(in.toFile());
    Map<String, String> processEnvironment = builder.environment();
    processEnvironment.keySet().removeIf(name -> name.startsWith("CLEANROOM_"));
    processEnvironment.putAll(new HashMap<>(environment));
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the client did not finish: " + String.join(" ", args));
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** One run's exit status and output. */
  private record Run(int status, String out, String err) {
    @Override
    public String toString() {
      return "status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private void editAuditEvent(Collaboration room, int position) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "update audit_event set detail = detail || ' ' where position = ? and"
                    + " collaboration_id = (select id from collaboration where name = ?)")) {
      statement.setInt(1, position);
      statement.setString(2, room.name());
      if (statement.executeUpdate() != 1) {
        throw new AssertionError("the edit changed no audit event");
      }
    }
  }

  private static void declareCustomersWithoutEmail(Collaboration room) {
    room.declare(
        "retailer",
        "customers",
        Collaboration.customerColumns().stream()
            .filter(column -> !column.get("name").equals("email"))
            .toList());
  }

  private static String policyWithoutEmail() {
    String policy = TestData.demoPolicy("retailer.customers");
    String withoutEmail =
        policy.replace("{\"name\": \"email\", \"type\": \"VARCHAR\", \"class\": \"PII\"},", "");
    if (withoutEmail.equals(policy)) {
      throw new AssertionError("the demo policy no longer lists the e-mail as expected");
    }
    return withoutEmail;
  }
}
