package dev.cleanroom.server.flight;

import static dev.cleanroom.server.query.QueryStoryTest.budgetOfCustomers;
import static dev.cleanroom.server.query.QueryStoryTest.loadedRoom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Flight SQL endpoint over the network against the real server and PostgreSQL: through the
 * Flight SQL JDBC driver BI tools use, and through the plain Flight SQL client notebooks use. A
 * query runs through the same service as over REST: same answer, one charge, one audit event.
 */
@QuarkusTest
class FlightSqlApiTest {
  static final String REACH =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach"
          + " FROM advertiser.impressions i JOIN retailer.customers c"
          + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id ORDER BY reach DESC";
  static final String PII = "SELECT email, COUNT(*) FROM retailer.customers GROUP BY email";

  @Inject FlightSqlEndpoint endpoint;

  private BufferAllocator allocator;

  @BeforeEach
  void openAllocator() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @Test
  void jdbcQuery_sameRowsAsRestAndChargedOnce() throws Exception {
    Collaboration room = loadedRoom("2");
    List<List<String>> flightRows;
    try (Connection connection = jdbc(room.keys().get("advertiser"));
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(REACH)) {
      ResultSetMetaData columns = result.getMetaData();
      assertEquals(2, columns.getColumnCount());
      assertEquals("campaign_id", columns.getColumnName(1));
      assertEquals("reach", columns.getColumnName(2));
      flightRows = rows(result);
    }
    assertFalse(flightRows.isEmpty());
    budgetOfCustomers(room, "0.5");
    assertEquals(1, room.auditEvents("QUERY_ANSWERED").size());

    // The same question over REST: the answer Flight released, from the cache, at no cost.
    JsonPath rest =
        room.as("advertiser")
            .contentType(ContentType.JSON)
            .body(Map.of("sql", REACH))
            .post(room.path() + "/queries")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(true, rest.getBoolean("privacy.cached"));
    List<List<String>> restRows = new ArrayList<>();
    for (List<Object> row : rest.<List<Object>>getList("rows")) {
      restRows.add(row.stream().map(String::valueOf).toList());
    }
    assertEquals(restRows, flightRows);
    budgetOfCustomers(room, "0.5");
    assertEquals(2, room.auditEvents("QUERY_ANSWERED").size());
  }

  @Test
  void jdbcPolicyViolation_sqlExceptionNamesTheRuleAndCostsNothing() throws Exception {
    Collaboration room = loadedRoom("2");
    try (Connection connection = jdbc(room.keys().get("advertiser"));
        Statement statement = connection.createStatement()) {
      SQLException refused = assertThrows(SQLException.class, () -> statement.executeQuery(PII));
      String messages = messages(refused);
      assertTrue(messages.contains("PII_REFERENCED"), messages);
      assertTrue(messages.contains("retailer.customers.email"), messages);
      assertTrue(messages.contains("Query violates the policy"), messages);
    }
    budgetOfCustomers(room, "0");
    assertEquals(1, room.auditEvents("QUERY_REJECTED").size());
  }

  @Test
  void jdbcWrongKey_unauthenticated() {
    SQLException refused = assertThrows(SQLException.class, () -> jdbc("crk_not-a-key").close());
    String messages = messages(refused);
    assertTrue(messages.contains("the API key is not valid"), messages);
  }

  @Test
  void flightSqlClient_statementRunsOnceAndItsTicketReadsOnce() throws Exception {
    Collaboration room = loadedRoom("2");
    CallOption key = bearer(room.keys().get("advertiser"));
    try (FlightSqlClient client = client()) {
      // The schema costs nothing and runs nothing.
      Schema schema = client.getExecuteSchema(REACH, key).getSchema();
      assertEquals("campaign_id", schema.getFields().get(0).getName());
      budgetOfCustomers(room, "0");

      FlightInfo info = client.execute(REACH, key);
      Map<String, String> privacy = info.getSchema().getCustomMetadata();
      assertEquals("0.5", privacy.get(CleanroomFlightSqlProducer.EPSILON_SPENT));
      assertEquals("1.5", privacy.get(CleanroomFlightSqlProducer.EPSILON_REMAINING));
      assertEquals("false", privacy.get(CleanroomFlightSqlProducer.CACHED));
      Ticket ticket = info.getEndpoints().get(0).getTicket();
      List<List<String>> rows = read(client.getStream(ticket, key));
      assertEquals(info.getRecords(), rows.size());
      budgetOfCustomers(room, "0.5");

      // Read once: a second DoGet of the same ticket is refused.
      FlightRuntimeException again =
          assertThrows(FlightRuntimeException.class, () -> read(client.getStream(ticket, key)));
      assertEquals(FlightStatusCode.NOT_FOUND, again.status().code());
    }
  }

  @Test
  void flightSqlClient_preparedStatementDescribesFreeAndExecutesLikeRest() throws Exception {
    Collaboration room = loadedRoom("2");
    CallOption key = bearer(room.keys().get("advertiser"));
    try (FlightSqlClient client = client();
        FlightSqlClient.PreparedStatement prepared = client.prepare(REACH, key)) {
      assertEquals(
          List.of("campaign_id", "reach"),
          prepared.getResultSetSchema().getFields().stream().map(f -> f.getName()).toList());
      budgetOfCustomers(room, "0");

      FlightInfo first = prepared.execute(key);
      List<List<String>> firstRows =
          read(client.getStream(first.getEndpoints().get(0).getTicket(), key));
      FlightInfo second = prepared.execute(key);
      assertEquals(
          "true", second.getSchema().getCustomMetadata().get(CleanroomFlightSqlProducer.CACHED));
      assertEquals(
          firstRows, read(client.getStream(second.getEndpoints().get(0).getTicket(), key)));
      budgetOfCustomers(room, "0.5");
      prepared.close(key);
    }
  }

  @Test
  void anotherMembersTicket_notFound() throws Exception {
    Collaboration room = loadedRoom(Api.newCollaborationWithAnalysts("analyst2"), p -> p);
    try (FlightSqlClient client = client()) {
      FlightInfo info = client.execute(REACH, bearer(room.keys().get("advertiser")));
      Ticket ticket = info.getEndpoints().get(0).getTicket();
      FlightRuntimeException foreign =
          assertThrows(
              FlightRuntimeException.class,
              () -> read(client.getStream(ticket, bearer(room.keys().get("analyst2")))));
      assertEquals(FlightStatusCode.NOT_FOUND, foreign.status().code());
      assertFalse(read(client.getStream(ticket, bearer(room.keys().get("advertiser")))).isEmpty());
    }
  }

  @Test
  void metadata_listsTheDatasetsTheCallerMayQuery() throws Exception {
    Collaboration room = loadedRoom("2");
    CallOption key = bearer(room.keys().get("advertiser"));
    try (FlightSqlClient client = client()) {
      assertEquals(List.of(List.of(room.name())), read(client.getCatalogs(key), client, key));
      List<List<String>> tables =
          read(client.getTables(null, null, null, null, false, key), client, key);
      assertEquals(
          List.of(
              List.of(room.name(), "advertiser", "impressions", "TABLE"),
              List.of(room.name(), "retailer", "customers", "TABLE")),
          tables);
      assertEquals(
          List.of(List.of(room.name(), "retailer", "customers", "TABLE")),
          read(client.getTables(null, "ret%", "cust_mers", null, false, key), client, key));
    }
  }

  @Test
  void basicAuthWithTheKeyAsPassword_answersTheKeyAsBearerToken() throws Exception {
    Collaboration room = loadedRoom("2");
    String key = room.keys().get("advertiser");
    FlightClient flight =
        FlightClient.builder(
                allocator, Location.forGrpcInsecure("127.0.0.1", endpoint.port().getAsInt()))
            .build();
    try (FlightSqlClient client = new FlightSqlClient(flight)) {
      CredentialCallOption token = flight.authenticateBasicToken("any-user", key).orElseThrow();
      assertEquals(List.of(List.of(room.name())), read(client.getCatalogs(token), client, token));
      FlightRuntimeException wrong =
          assertThrows(
              FlightRuntimeException.class,
              () -> flight.authenticateBasicToken("any-user", "crk_not-a-key"));
      assertEquals(FlightStatusCode.UNAUTHENTICATED, wrong.status().code());
    }
  }

  @Test
  void writesAndNonAnalysts_refused() throws Exception {
    Collaboration room = loadedRoom("2");
    try (FlightSqlClient client = client()) {
      FlightRuntimeException update =
          assertThrows(
              FlightRuntimeException.class,
              () ->
                  client.executeUpdate(
                      "DELETE FROM retailer.customers", bearer(room.keys().get("advertiser"))));
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, update.status().code());
      assertTrue(update.getMessage().contains("read-only"), update.getMessage());

      FlightRuntimeException provider =
          assertThrows(
              FlightRuntimeException.class,
              () -> client.execute(REACH, bearer(room.keys().get("retailer"))));
      assertEquals(FlightStatusCode.UNAUTHORIZED, provider.status().code());
    }
  }

  /** The URL the README gives BI tools (API keys are URL-safe Base64). */
  private Connection jdbc(String key) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:arrow-flight-sql://127.0.0.1:"
            + endpoint.port().getAsInt()
            + "/?useEncryption=false&token="
            + key);
  }

  private FlightSqlClient client() {
    return new FlightSqlClient(
        FlightClient.builder(
                allocator, Location.forGrpcInsecure("127.0.0.1", endpoint.port().getAsInt()))
            .build());
  }

  private static CallOption bearer(String key) {
    return new CredentialCallOption(new BearerCredentialWriter(key));
  }

  private static List<List<String>> rows(ResultSet result) throws SQLException {
    int columns = result.getMetaData().getColumnCount();
    List<List<String>> rows = new ArrayList<>();
    while (result.next()) {
      List<String> row = new ArrayList<>();
      for (int c = 1; c <= columns; c++) {
        row.add(String.valueOf(result.getObject(c)));
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<List<String>> read(FlightInfo info, FlightSqlClient client, CallOption key)
      throws Exception {
    return read(client.getStream(info.getEndpoints().get(0).getTicket(), key));
  }

  private static List<List<String>> read(FlightStream stream) throws Exception {
    try (stream) {
      List<List<String>> rows = new ArrayList<>();
      VectorSchemaRoot batch = stream.getRoot();
      while (stream.next()) {
        for (int r = 0; r < batch.getRowCount(); r++) {
          List<String> row = new ArrayList<>();
          for (int c = 0; c < batch.getFieldVectors().size(); c++) {
            row.add(String.valueOf(batch.getVector(c).getObject(r)));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  private static String messages(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append(t.getMessage()).append(" | ");
    }
    return text.toString();
  }
}
