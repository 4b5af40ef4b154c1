package dev.cleanroom.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.client.LocalServer.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments, exit statuses and what goes to stdout and stderr, against a real local HTTP server.
 */
class CleanroomClientTest {
  private static final String KEY = "demo-advertiser-key";
  private static final String ANSWER =
      """
      {"queryId": "q-1",
       "columns": [{"name": "campaign_id", "type": "VARCHAR"}, {"name": "reach", "type": "BIGINT"}],
       "rows": [["c1", 1180], ["spring", 960]],
       "privacy": {"epsilonSpent": 0.5, "epsilonRemaining": 9.5, "delta": 1e-6, "minimumDistinctUnits": 50,
                   "suppressedGroups": 3, "cached": false,
                   "noise": [{"column": "reach", "mechanism": "discrete-laplace", "scale": 4.0, "ci95": 12.0}]}}
      """;

  @TempDir Path directory;
  private LocalServer server;
  private Map<String, String> environment;

  @BeforeEach
  void start() throws IOException {
    server = new LocalServer();
    environment = Map.of("CLEANROOM_SERVER", server.url(), "CLEANROOM_API_KEY", KEY);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void help_listsTheCommandsAndExitStatuses() {
    ClientRun top = ClientRun.run(Map.of(), "--help");
    ClientRun query = ClientRun.run(Map.of(), "query", "--help");

    assertEquals(0, top.status(), top::toString);
    for (String command : List.of("encrypt", "upload", "query", "budget", "audit", "subject")) {
      assertTrue(top.out().contains(command), top::toString);
    }
    assertEquals(0, query.status(), query::toString);
    assertTrue(query.out().contains("Exit status:"), query::toString);
    assertTrue(query.out().contains("5   the audit chain does not verify"), query::toString);
    assertTrue(query.out().contains("CLEANROOM_SERVER"), query::toString);
  }

  private static final String SUBJECT_REPORT =
      """
      {"collaboration": "demo", "provider": "retailer", "identifier": "1000042",
       "generatedAt": "2026-12-05T08:00:00Z",
       "datasets": [{"table": "retailer.customers", "unitColumn": "customer_id", "heldNow": false,
         "versions": [{"version": 1, "reason": "UPLOAD", "held": true, "rows": null},
                      {"version": 2, "reason": "ERASURE", "held": false, "rows": 0}],
         "erasures": [{"receipt": "r-1", "version": 2, "versionsRemoved": [1]}],
         "queries": [{"analyst": "advertiser", "version": 1}, {"analyst": "agency", "version": 1}]}],
       "notSearched": [{"table": "retailer.stores", "reason": "no approved policy"}]}
      """;

  @Test
  void subject_readsTheIdentifierFromStdin_printsWhereTheirDataIs_andSavesThePage()
      throws IOException {
    server.on("POST /api/v1/collaborations/demo/subject-lookups", Reply.json(200, SUBJECT_REPORT));
    ClientRun run = ClientRun.withStdin(environment, "1000042\n", "subject", "-c", "demo");

    assertEquals(0, run.status(), run::toString);
    assertEquals(
        "{\"identifier\":\"1000042\"}",
        new String(server.received().get(0).body(), StandardCharsets.UTF_8));
    assertTrue(run.out().contains("retailer.customers"), run::toString);
    assertTrue(
        run.out().matches("(?s).*retailer\\.customers\\s+no\\s+1\\s+2\\s+r-1.*"), run::toString);
    assertTrue(
        run.out().contains("not searched: retailer.stores: no approved policy"), run::toString);

    // The page: the same lookup asked for HTML, written whole to the file.
    server.on(
        "POST /api/v1/collaborations/demo/subject-lookups",
        "text/html",
        new Reply(
            200,
            "text/html",
            "<!DOCTYPE html><p>How your data was used</p>".getBytes(StandardCharsets.UTF_8),
            Map.of()));
    Path identifier = Files.writeString(directory.resolve("who.txt"), "1000042\n");
    Path page = directory.resolve("page.html");
    ClientRun saved =
        ClientRun.run(
            environment,
            "subject",
            "-c",
            "demo",
            "--identifier-file",
            identifier.toString(),
            "--html",
            page.toString());
    assertEquals(0, saved.status(), saved::toString);
    assertEquals("text/html", server.received().get(2).header("Accept"));
    assertEquals("<!DOCTYPE html><p>How your data was used</p>", Files.readString(page));
    assertTrue(saved.err().contains("wrote the page (44 bytes) to " + page), saved::toString);
    // A page in a directory that does not exist: refused before anything is asked.
    int asked = server.received().size();
    ClientRun nowhere =
        ClientRun.withStdin(
            environment,
            "1000042",
            "subject",
            "-c",
            "demo",
            "--html",
            directory.resolve("missing/page.html").toString());
    assertEquals(2, nowhere.status(), nowhere::toString);
    assertEquals(asked, server.received().size());
  }

  @Test
  void subject_withoutAnIdentifier_isAUsageError_andAsksNothing() {
    ClientRun run = ClientRun.withStdin(environment, "\n", "subject", "-c", "demo");
    assertEquals(2, run.status(), run::toString);
    assertTrue(run.err().contains("the identifier is empty"), run::toString);
    assertTrue(server.received().isEmpty());
  }

  @Test
  void version_isPrinted() {
    ClientRun run = ClientRun.run(Map.of(), "budget", "--version");

    assertEquals(0, run.status(), run::toString);
    assertTrue(run.out().startsWith("cleanroom-client "), run::toString);
  }

  @Test
  void unknownOptionOrMissingCollaboration_isAUsageError() {
    ClientRun unknown = ClientRun.run(environment, "budget", "-c", "demo", "--frobnicate");
    ClientRun missing = ClientRun.run(environment, "budget");

    assertEquals(2, unknown.status(), unknown::toString);
    assertTrue(unknown.err().contains("--frobnicate"), unknown::toString);
    assertEquals(2, missing.status(), missing::toString);
    assertTrue(missing.err().contains("--collaboration"), missing::toString);
    assertTrue(server.received().isEmpty());
  }

  @Test
  void apiKeyAsAnArgument_isRefusedWithoutEchoingIt() {
    ClientRun run =
        ClientRun.run(
            Map.of("CLEANROOM_SERVER", server.url()), "budget", "-c", "demo", "--api-key", KEY);

    assertEquals(2, run.status(), run::toString);
    assertTrue(run.err().contains("--api-key-file or CLEANROOM_API_KEY"), run::toString);
    assertFalse(run.err().contains(KEY), run::toString);
    assertTrue(server.received().isEmpty());
  }

  @Test
  void noServerOrNoKey_isAUsageError() {
    ClientRun noServer = ClientRun.run(Map.of("CLEANROOM_API_KEY", KEY), "budget", "-c", "demo");
    ClientRun noKey =
        ClientRun.run(Map.of("CLEANROOM_SERVER", server.url()), "budget", "-c", "demo");

    assertEquals(2, noServer.status(), noServer::toString);
    assertTrue(noServer.err().contains("--server or CLEANROOM_SERVER"), noServer::toString);
    assertEquals(2, noKey.status(), noKey::toString);
    assertTrue(noKey.err().contains("--api-key-file or in CLEANROOM_API_KEY"), noKey::toString);
  }

  @Test
  void apiKeyFile_isSentAsBearerToken() throws IOException {
    Path keyFile = Files.writeString(directory.resolve("key"), "file-key\n");
    server.on("GET /api/v1/collaborations/demo/budget", Reply.json(200, "{\"datasets\": []}"));

    ClientRun run =
        ClientRun.run(
            Map.of("CLEANROOM_SERVER", server.url()),
            "budget",
            "-c",
            "demo",
            "--api-key-file",
            keyFile.toString());

    assertEquals(0, run.status(), run::toString);
    assertEquals("Bearer file-key", server.received().get(0).header("Authorization"));
  }

  @Test
  void query_printsTheTableAndThePrivacyReport() {
    server.on("POST /api/v1/collaborations/demo/queries", Reply.json(200, ANSWER));

    ClientRun run = ClientRun.run(environment, "query", "-c", "demo", "SELECT campaign_id FROM x");

    assertEquals(0, run.status(), run::toString);
    assertTrue(
        run.out()
            .startsWith(
                String.join(
                    System.lineSeparator(),
                    "campaign_id  reach",
                    "-----------  -----",
                    "c1            1180",
                    "spring         960",
                    "",
                    "epsilon charged:   0.5",
                    "epsilon left:      9.5")),
        run::toString);
    assertTrue(run.out().contains("groups suppressed: 3"), run::toString);
    assertTrue(
        run.out().contains("noise on reach: discrete-laplace, scale 4, 95% within +/-12"),
        run::toString);
    LocalServer.Received request = server.received().get(0);
    assertEquals(
        "{\"sql\":\"SELECT campaign_id FROM x\"}",
        new String(request.body(), StandardCharsets.UTF_8));
    assertEquals("Bearer " + KEY, request.header("Authorization"));
    assertEquals("application/json", request.header("Accept"));
  }

  @Test
  void queryWithAPurpose_sendsIt_andPrintsTheAnswersPurpose() {
    server.on(
        "POST /api/v1/collaborations/demo/queries",
        Reply.json(
            200, ANSWER.replace("\"privacy\": {", "\"privacy\": {\"purpose\": \"measurement\", ")));

    ClientRun run =
        ClientRun.run(environment, "query", "-c", "demo", "--purpose", "measurement", "SELECT 1");

    assertEquals(0, run.status(), run::toString);
    assertEquals(
        "{\"sql\":\"SELECT 1\",\"purpose\":\"measurement\"}",
        new String(server.received().get(0).body(), StandardCharsets.UTF_8));
    assertTrue(run.out().contains("purpose:           measurement"), run::toString);
  }

  @Test
  void queryFromStdinOrFile_sendsThatSql() throws IOException {
    server.on("POST /api/v1/collaborations/demo/queries", Reply.json(200, ANSWER));
    Path sqlFile = Files.writeString(directory.resolve("q.sql"), "SELECT 2");

    assertEquals(
        0, ClientRun.withStdin(environment, "SELECT 1", "query", "-c", "demo", "-").status());
    assertEquals(
        0,
        ClientRun.run(environment, "query", "-c", "demo", "--sql-file", sqlFile.toString())
            .status());
    ClientRun both =
        ClientRun.run(environment, "query", "-c", "demo", "--sql-file", sqlFile.toString(), "x");

    assertEquals(
        "{\"sql\":\"SELECT 1\"}",
        new String(server.received().get(0).body(), StandardCharsets.UTF_8));
    assertEquals(
        "{\"sql\":\"SELECT 2\"}",
        new String(server.received().get(1).body(), StandardCharsets.UTF_8));
    assertEquals(2, both.status(), both::toString);
  }

  @Test
  void queryToCsv_writesTheServersCsvAndPrintsThePrivacyHeader() throws IOException {
    server.on(
        "POST /api/v1/collaborations/demo/queries",
        new Reply(
            200,
            "text/csv",
            "campaign_id,reach\nc1,1180\n".getBytes(StandardCharsets.UTF_8),
            Map.of(
                "Cleanroom-Privacy",
                "{\"epsilonSpent\":0.5,\"epsilonRemaining\":9,\"suppressedGroups\":0,"
                    + "\"cached\":false,\"noise\":[]}")));
    Path output = directory.resolve("answer.csv");

    ClientRun run =
        ClientRun.run(environment, "query", "-c", "demo", "-o", output.toString(), "SELECT 1");

    assertEquals(0, run.status(), run::toString);
    assertEquals("campaign_id,reach\nc1,1180\n", Files.readString(output));
    assertEquals("text/csv", server.received().get(0).header("Accept"));
    assertTrue(run.out().contains("epsilon left:      9"), run::toString);
    assertTrue(run.err().contains("wrote 26 bytes to " + output), run::toString);
  }

  @Test
  void refusal_exits3WithTheProblemOnStderrAndWritesNoFile() {
    server.on(
        "POST /api/v1/collaborations/demo/queries",
        Reply.problem(
            422,
            """
            {"type": "https://cleanroom.dev/problems/policy-violation", "title": "Query violates the policy",
             "status": 422, "detail": "1 violation", "code": "POLICY_VIOLATION",
             "violations": [{"code": "PII_REFERENCED", "column": "retailer.customers.email", "line": 1,
                             "column_number": 8, "message": "retailer.customers.email is personal data"}]}
            """));
    Path output = directory.resolve("answer.csv");

    ClientRun run =
        ClientRun.run(environment, "query", "-c", "demo", "-o", output.toString(), "SELECT email");

    assertEquals(3, run.status(), run::toString);
    assertEquals("", run.out());
    assertTrue(
        run.err()
            .contains(
                "cleanroom query: 422 Query violates the policy: 1 violation [POLICY_VIOLATION]"),
        run::toString);
    assertTrue(
        run.err()
            .contains(
                "  PII_REFERENCED at line 1, column 8: retailer.customers.email is personal data"),
        run::toString);
    assertFalse(Files.exists(output));
  }

  @Test
  void outputInAMissingDirectory_isAUsageErrorBeforeTheQueryIsSent() {
    Path output = directory.resolve("missing").resolve("answer.csv");

    ClientRun run =
        ClientRun.run(environment, "query", "-c", "demo", "-o", output.toString(), "SELECT 1");

    assertEquals(2, run.status(), run::toString);
    assertTrue(run.err().contains("cannot write a file next to"), run::toString);
    assertTrue(server.received().isEmpty(), "no query was sent, so no epsilon was spent");
  }

  @Test
  void serverError_exits4() {
    server.on(
        "GET /api/v1/collaborations/demo/budget",
        Reply.problem(500, "{\"title\": \"Internal error\", \"status\": 500}"));

    ClientRun run = ClientRun.run(environment, "budget", "-c", "demo");

    assertEquals(4, run.status(), run::toString);
    assertTrue(run.err().contains("500 Internal error"), run::toString);
  }

  @Test
  void connectionRefused_exits4() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    ClientRun run =
        ClientRun.run(
            Map.of("CLEANROOM_API_KEY", KEY),
            "budget",
            "-c",
            "demo",
            "--server",
            "http://127.0.0.1:" + port);

    assertEquals(4, run.status(), run::toString);
    assertTrue(run.err().contains("cannot connect to the server"), run::toString);
  }

  @Test
  void budget_printsATable() {
    server.on(
        "GET /api/v1/collaborations/demo/budget",
        Reply.json(
            200,
            """
            {"analyst": "advertiser", "datasets": [
              {"dataset": "retailer.customers", "spent": 0.500000000000, "remaining": 9.5, "total": 10,
               "epsilonPerQuery": 0.5, "refresh": "NONE", "period": "all time",
               "allAnalysts": {"spent": 1.5, "remaining": 28.5, "total": 30}}]}
            """));

    ClientRun run = ClientRun.run(environment, "budget", "-c", "demo");

    assertEquals(0, run.status(), run::toString);
    String[] lines = run.out().split(System.lineSeparator());
    assertEquals(3, lines.length, run::toString);
    assertTrue(lines[0].startsWith("dataset             spent  left  total"), run::toString);
    assertTrue(
        lines[2].matches(
            "retailer\\.customers +0\\.5 +9\\.5 +10 +0\\.5 +1\\.5 +30  NONE +all time"),
        run::toString);
  }

  @Test
  void upload_streamsTheFileWithItsContentTypeAndPrintsTheVersion() throws IOException {
    server.on(
        "PUT /api/v1/collaborations/demo/datasets/customers/data",
        Reply.json(200, "{\"table\": \"retailer.customers\", \"version\": 3}"));
    byte[] content = "customer_id\n1\n2\n".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(directory.resolve("customers.csv"), content);

    ClientRun run =
        ClientRun.run(environment, "upload", "-c", "demo", "-d", "customers", file.toString());

    assertEquals(0, run.status(), run::toString);
    assertEquals("retailer.customers version 3", run.out().strip());
    assertEquals("sent 16 B (16 bytes)", run.err().strip());
    LocalServer.Received request = server.received().get(0);
    assertEquals("text/csv", request.header("Content-Type"));
    assertEquals("16", request.header("Content-Length"));
    assertEquals(
        new String(content, StandardCharsets.UTF_8),
        new String(request.body(), StandardCharsets.UTF_8));
  }

  @Test
  void uploadOfAnUnknownExtension_needsFormat() throws IOException {
    Path file = Files.writeString(directory.resolve("customers.txt"), "a\n1\n");

    ClientRun run =
        ClientRun.run(environment, "upload", "-c", "demo", "-d", "customers", file.toString());
    server.on(
        "PUT /api/v1/collaborations/demo/datasets/customers/data",
        Reply.json(200, "{\"table\": \"retailer.customers\", \"version\": 4}"));
    ClientRun withFormat =
        ClientRun.run(
            environment,
            "upload",
            "-c",
            "demo",
            "-d",
            "customers",
            "--format",
            "csv",
            file.toString());

    assertEquals(2, run.status(), run::toString);
    assertTrue(run.err().contains("give --format"), run::toString);
    assertEquals(0, withFormat.status(), withFormat::toString);
  }
}
