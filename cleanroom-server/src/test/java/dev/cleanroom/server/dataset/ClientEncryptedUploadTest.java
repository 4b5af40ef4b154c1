package dev.cleanroom.server.dataset;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cleanroom.connectors.cli.ClientEncryptionTool;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retailer prepares its upload with the connectors' client encryption tool (run as its own
 * process, as on the retailer's machine): e-mails fingerprinted under the shared secret, the raw
 * e-mail dropped, rows shuffled. The advertiser fingerprints under the same secret, and the join on
 * fingerprints answers.
 */
@QuarkusTest
class ClientEncryptedUploadTest {
  @TempDir Path directory;

  @Test
  void clientEncryptedCustomers_joinWithTheAdvertisersFingerprints() throws Exception {
    Collaboration room = Api.newCollaboration();
    declareCustomersWithoutEmail(room);
    room.declareImpressionsAs("advertiser");

    // The retailer's raw file: email_hash still holds the plain e-mail before the tool runs.
    DemoDataGenerator plain = new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, e -> e);
    DemoDataGenerator.Customers rawCustomers = plain.customers(3_000);
    Path raw = directory.resolve("customers.csv");
    Files.writeString(raw, TestData.customersCsv(rawCustomers), StandardCharsets.UTF_8);
    Path encrypted = directory.resolve("customers-encrypted.csv");
    runClientTool(room.name(), raw, encrypted);
    String upload = Files.readString(encrypted, StandardCharsets.UTF_8);
    assertFalse(upload.contains("@example.com"), "no raw e-mail leaves the retailer");

    room.upload("retailer", "customers", "text/csv", upload.getBytes(StandardCharsets.UTF_8));
    DemoDataGenerator fingerprinted = TestData.generator(room.name());
    room.upload(
        "advertiser",
        "impressions",
        "application/vnd.apache.arrow.stream",
        TestData.impressionsArrow(
            fingerprinted.impressions(fingerprinted.customers(3_000), 30_000)));
    room.approvePolicy("customers", policyWithoutEmail(), 1);
    room.approvePolicy("impressions", TestData.demoPolicy("advertiser.impressions"), 1);

    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "sql",
                "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach"
                    + " FROM advertiser.impressions i JOIN retailer.customers c"
                    + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id"))
        .post(room.path() + "/queries")
        .then()
        .statusCode(200)
        .body("rows.size()", greaterThan(0))
        .body("privacy.epsilonSpent", equalTo(0.5f));
  }

  private static void runClientTool(String collaboration, Path input, Path output)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ClientEncryptionTool.class.getName(),
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--collaboration",
                collaboration,
                "--secret-env",
                "CLEANROOM_SHARED_SECRET",
                "--fingerprint",
                "email_hash=email_hash:email",
                "--drop",
                "email")
            .redirectErrorStream(true);
    builder.environment().put("CLEANROOM_SHARED_SECRET", TestData.SHARED_SECRET);
    Process process = builder.start();
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the client tool did not finish");
    }
    assertEquals(0, process.exitValue(), log);
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
