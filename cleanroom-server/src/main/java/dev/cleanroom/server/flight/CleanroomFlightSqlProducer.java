package dev.cleanroom.server.flight;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DeclaredColumn;
import dev.cleanroom.server.policy.QueryCatalog;
import dev.cleanroom.server.query.Answer;
import dev.cleanroom.server.query.AnswerBatches;
import dev.cleanroom.server.query.QueryOptions;
import dev.cleanroom.server.query.QueryService;
import dev.cleanroom.spi.TableName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.BasicFlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight SQL face of the query service. A statement is asked through {@link QueryService#ask},
 * exactly as {@code POST .../queries} asks it, once per execution: in {@code GetFlightInfo}, whose
 * answer then waits under a one-time ticket for {@code DoGet}. Schemas (of a statement or a
 * prepared statement) come from the analysis alone and cost nothing. The catalog is the caller's
 * collaboration, the schemas its members, the tables the datasets the caller may query.
 */
final class CleanroomFlightSqlProducer extends BasicFlightSqlProducer {
  /** Schema metadata keys carrying the privacy report of an answer. */
  static final String QUERY_ID = "cleanroom.query-id";

  static final String EPSILON_SPENT = "cleanroom.epsilon-spent";
  static final String EPSILON_REMAINING = "cleanroom.epsilon-remaining";
  static final String CACHED = "cleanroom.cached";
  static final String PRIVACY = "cleanroom.privacy";

  private static final String TABLE = "TABLE";
  private static final String READ_ONLY =
      "the clean room is read-only over Flight SQL: only queries run; datasets are uploaded and"
          + " policies written through the REST API";

  private final QueryService queries;
  private final QueryCatalog catalog;
  private final FlightTickets tickets;
  private final PreparedQueries prepared;
  private final BufferAllocator allocator;
  private final ObjectMapper json;
  private final SqlInfoBuilder sqlInfo;

  CleanroomFlightSqlProducer(
      QueryService queries,
      QueryCatalog catalog,
      FlightTickets tickets,
      PreparedQueries prepared,
      BufferAllocator allocator,
      ObjectMapper json) {
    this.queries = queries;
    this.catalog = catalog;
    this.tickets = tickets;
    this.prepared = prepared;
    this.allocator = allocator;
    this.json = json;
    this.sqlInfo =
        new SqlInfoBuilder()
            .withFlightSqlServerName("cleanroom")
            .withFlightSqlServerVersion("1")
            .withFlightSqlServerReadOnly(true)
            .withFlightSqlServerSql(true)
            .withFlightSqlServerSubstrait(false)
            .withFlightSqlServerTransaction(
                FlightSql.SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
            .withFlightSqlServerCancel(false)
            .withFlightSqlServerBulkIngestion(false)
            .withSqlIdentifierQuoteChar("\"")
            .withSqlCatalogTerm("collaboration")
            .withSqlSchemaTerm("member")
            .withSqlDdlCatalog(false)
            .withSqlDdlSchema(false)
            .withSqlDdlTable(false)
            .withSqlTransactionsSupported(false)
            .withSqlSupportsColumnAliasing(true)
            .withSqlSupportsTableCorrelationNames(true)
            .withSqlSupportsExpressionsInOrderBy(true);
  }

  // Statements.

  @Override
  public FlightInfo getFlightInfoStatement(
      FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    return refusingAs(
        () -> {
          Caller analyst = analyst(context);
          return waitingAnswer(
              analyst, queries.ask(analyst, command.getQuery(), options(context)), descriptor);
        });
  }

  @Override
  public SchemaResult getSchemaStatement(
      FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    return refusingAs(
        () ->
            new SchemaResult(
                AnswerBatches.schema(
                    queries.describe(analyst(context), command.getQuery(), options(context)))));
  }

  @Override
  public void getStreamStatement(
      FlightSql.TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
    streaming(
        listener,
        () -> {
          Answer answer = tickets.take(analyst(context), ticket.getStatementHandle().toByteArray());
          stream(answer, listener);
        });
  }

  // Prepared statements: what the JDBC driver uses for every query.

  @Override
  public void createPreparedStatement(
      FlightSql.ActionCreatePreparedStatementRequest request,
      CallContext context,
      StreamListener<Result> listener) {
    acting(
        listener,
        () -> {
          Caller analyst = analyst(context);
          Schema schema =
              AnswerBatches.schema(queries.describe(analyst, request.getQuery(), options(context)));
          byte[] handle = prepared.prepare(analyst, request.getQuery());
          FlightSql.ActionCreatePreparedStatementResult result =
              FlightSql.ActionCreatePreparedStatementResult.newBuilder()
                  .setPreparedStatementHandle(ByteString.copyFrom(handle))
                  .setDatasetSchema(ByteString.copyFrom(schema.serializeAsMessage()))
                  .build();
          listener.onNext(new Result(Any.pack(result).toByteArray()));
        });
  }

  @Override
  public void closePreparedStatement(
      FlightSql.ActionClosePreparedStatementRequest request,
      CallContext context,
      StreamListener<Result> listener) {
    acting(
        listener,
        () -> prepared.close(analyst(context), request.getPreparedStatementHandle().toByteArray()));
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(
      FlightSql.CommandPreparedStatementQuery command,
      CallContext context,
      FlightDescriptor descriptor) {
    return refusingAs(
        () -> {
          Caller analyst = analyst(context);
          String sql = prepared.sql(analyst, command.getPreparedStatementHandle().toByteArray());
          return waitingAnswer(analyst, queries.ask(analyst, sql, options(context)), descriptor);
        });
  }

  @Override
  public SchemaResult getSchemaPreparedStatement(
      FlightSql.CommandPreparedStatementQuery command,
      CallContext context,
      FlightDescriptor descriptor) {
    return refusingAs(
        () -> {
          Caller analyst = analyst(context);
          String sql = prepared.sql(analyst, command.getPreparedStatementHandle().toByteArray());
          return new SchemaResult(
              AnswerBatches.schema(queries.describe(analyst, sql, options(context))));
        });
  }

  @Override
  public void getStreamPreparedStatement(
      FlightSql.CommandPreparedStatementQuery command,
      CallContext context,
      ServerStreamListener listener) {
    listener.error(
        CallStatus.INVALID_ARGUMENT
            .withDescription(
                "Not accepted: a prepared statement is executed by GetFlightInfo, whose ticket"
                    + " DoGet then reads")
            .toRuntimeException());
  }

  // Writes: refused, the clean room is read-only here.

  @Override
  public Runnable acceptPutStatement(
      FlightSql.CommandStatementUpdate command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    throw readOnly();
  }

  @Override
  public Runnable acceptPutStatementBulkIngest(
      FlightSql.CommandStatementIngest command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    throw readOnly();
  }

  @Override
  public Runnable acceptPutPreparedStatementUpdate(
      FlightSql.CommandPreparedStatementUpdate command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    throw readOnly();
  }

  @Override
  public Runnable acceptPutPreparedStatementQuery(
      FlightSql.CommandPreparedStatementQuery command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    throw CallStatus.INVALID_ARGUMENT
        .withDescription("Not accepted: queries take no parameters; write literals in the SQL")
        .toRuntimeException();
  }

  @Override
  public void beginTransaction(
      FlightSql.ActionBeginTransactionRequest request,
      CallContext context,
      StreamListener<FlightSql.ActionBeginTransactionResult> listener) {
    listener.onError(
        CallStatus.UNIMPLEMENTED
            .withDescription("Not supported: transactions; " + READ_ONLY)
            .toRuntimeException());
  }

  // Metadata: what a BI tool's navigator lists.

  @Override
  protected <T extends Message> List<FlightEndpoint> determineEndpoints(
      T request, FlightDescriptor descriptor, Schema schema) {
    return List.of(new FlightEndpoint(new Ticket(Any.pack(request).toByteArray())));
  }

  @Override
  public void getStreamSqlInfo(
      FlightSql.CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
    streaming(
        listener,
        () -> {
          analyst(context);
          sqlInfo.send(command.getInfoList(), listener);
        });
  }

  @Override
  public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
    streaming(
        listener,
        () -> {
          Caller analyst = analyst(context);
          sendRows(
              Schemas.GET_CATALOGS_SCHEMA,
              List.<Object[]>of(new Object[] {analyst.collaboration()}),
              listener);
        });
  }

  @Override
  public void getStreamSchemas(
      FlightSql.CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
    streaming(
        listener,
        () -> {
          Caller analyst = analyst(context);
          TreeSet<String> members = new TreeSet<>();
          if (catalogMatches(analyst, command.hasCatalog() ? command.getCatalog() : null)) {
            LikePattern schemas =
                LikePattern.of(
                    command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
            for (TableName table : visibleTables(analyst).keySet()) {
              if (schemas.matches(table.member())) {
                members.add(table.member());
              }
            }
          }
          List<Object[]> rows = new ArrayList<>();
          members.forEach(member -> rows.add(new Object[] {analyst.collaboration(), member}));
          sendRows(Schemas.GET_SCHEMAS_SCHEMA, rows, listener);
        });
  }

  @Override
  public void getStreamTables(
      FlightSql.CommandGetTables command, CallContext context, ServerStreamListener listener) {
    streaming(
        listener,
        () -> {
          Caller analyst = analyst(context);
          List<Object[]> rows = new ArrayList<>();
          boolean typeMatches =
              command.getTableTypesList().isEmpty() || command.getTableTypesList().contains(TABLE);
          if (typeMatches
              && catalogMatches(analyst, command.hasCatalog() ? command.getCatalog() : null)) {
            LikePattern schemas =
                LikePattern.of(
                    command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
            LikePattern tables =
                LikePattern.of(
                    command.hasTableNameFilterPattern()
                        ? command.getTableNameFilterPattern()
                        : null);
            for (Map.Entry<TableName, Dataset> entry : visibleTables(analyst).entrySet()) {
              TableName name = entry.getKey();
              if (schemas.matches(name.member()) && tables.matches(name.dataset())) {
                Object[] row =
                    command.getIncludeSchema()
                        ? new Object[] {
                          analyst.collaboration(),
                          name.member(),
                          name.dataset(),
                          TABLE,
                          declaredSchema(entry.getValue()).serializeAsMessage()
                        }
                        : new Object[] {
                          analyst.collaboration(), name.member(), name.dataset(), TABLE
                        };
                rows.add(row);
              }
            }
          }
          sendRows(
              command.getIncludeSchema()
                  ? Schemas.GET_TABLES_SCHEMA
                  : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA,
              rows,
              listener);
        });
  }

  @Override
  public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
    streaming(
        listener,
        () -> {
          analyst(context);
          sendRows(
              Schemas.GET_TABLE_TYPES_SCHEMA, List.<Object[]>of(new Object[] {TABLE}), listener);
        });
  }

  /** Datasets have no keys a client could use: these lists are empty. */
  @Override
  public void getStreamPrimaryKeys(
      FlightSql.CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
    streaming(listener, () -> empty(context, Schemas.GET_PRIMARY_KEYS_SCHEMA, listener));
  }

  @Override
  public void getStreamExportedKeys(
      FlightSql.CommandGetExportedKeys command,
      CallContext context,
      ServerStreamListener listener) {
    streaming(listener, () -> empty(context, Schemas.GET_EXPORTED_KEYS_SCHEMA, listener));
  }

  @Override
  public void getStreamImportedKeys(
      FlightSql.CommandGetImportedKeys command,
      CallContext context,
      ServerStreamListener listener) {
    streaming(listener, () -> empty(context, Schemas.GET_IMPORTED_KEYS_SCHEMA, listener));
  }

  @Override
  public void getStreamCrossReference(
      FlightSql.CommandGetCrossReference command,
      CallContext context,
      ServerStreamListener listener) {
    streaming(listener, () -> empty(context, Schemas.GET_CROSS_REFERENCE_SCHEMA, listener));
  }

  @Override
  public void getStreamTypeInfo(
      FlightSql.CommandGetXdbcTypeInfo request,
      CallContext context,
      ServerStreamListener listener) {
    streaming(listener, () -> empty(context, Schemas.GET_TYPE_INFO_SCHEMA, listener));
  }

  @Override
  public void close() {}

  // Helpers.

  /**
   * The options of the call's queries: the purpose of its {@code purpose} header (null without
   * one); a malformed purpose is refused by the query service as over REST.
   */
  private static QueryOptions options(CallContext context) {
    FlightCaller call = context.getMiddleware(FlightCaller.KEY);
    return QueryOptions.DEFAULT.withPurpose(call == null ? null : call.purpose());
  }

  /** The caller, who must be an analyst of its collaboration (a member has exactly one). */
  private static Caller analyst(CallContext context) {
    FlightCaller call = context.getMiddleware(FlightCaller.KEY);
    if (call == null) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription("Missing or invalid credentials: no credentials")
          .toRuntimeException();
    }
    Caller caller = call.caller();
    if (caller.operator()) {
      throw CallStatus.UNAUTHORIZED
          .withDescription("Not allowed: the operator key belongs to no collaboration [FORBIDDEN]")
          .toRuntimeException();
    }
    return caller.require(caller.collaboration(), Role.ANALYST);
  }

  /** Keeps {@code answer} under a new ticket and describes it, with its privacy report. */
  private FlightInfo waitingAnswer(Caller analyst, Answer answer, FlightDescriptor descriptor) {
    byte[] ticket = tickets.keep(analyst, answer);
    FlightSql.TicketStatementQuery statement =
        FlightSql.TicketStatementQuery.newBuilder()
            .setStatementHandle(ByteString.copyFrom(ticket))
            .build();
    return new FlightInfo(
        answerSchema(answer),
        descriptor,
        List.of(new FlightEndpoint(new Ticket(Any.pack(statement).toByteArray()))),
        -1,
        answer.rows().size());
  }

  private Schema answerSchema(Answer answer) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(QUERY_ID, answer.queryId());
    metadata.put(EPSILON_SPENT, answer.privacy().epsilonSpent().toPlainString());
    if (answer.privacy().epsilonRemaining() != null) {
      metadata.put(EPSILON_REMAINING, answer.privacy().epsilonRemaining().toPlainString());
    }
    metadata.put(CACHED, String.valueOf(answer.privacy().cached()));
    try {
      metadata.put(PRIVACY, json.writeValueAsString(answer.privacy()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a privacy report", e);
    }
    return AnswerBatches.schema(answer.columns(), metadata);
  }

  /** The released rows, in the released order, as one batch. */
  private void stream(Answer answer, ServerStreamListener listener) {
    try (BufferAllocator child =
            allocator.newChildAllocator("flight-" + answer.queryId(), 0, Long.MAX_VALUE);
        VectorSchemaRoot batch = VectorSchemaRoot.create(answerSchema(answer), child)) {
      AnswerBatches.fill(answer, batch);
      listener.start(batch);
      listener.putNext();
      listener.completed();
    }
  }

  private Map<TableName, Dataset> visibleTables(Caller analyst) {
    Map<TableName, Dataset> tables = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    catalog
        .forAnalyst(analyst.collaborationId(), analyst.member())
        .tables()
        .forEach((name, visible) -> tables.put(name, visible.dataset()));
    return tables;
  }

  private static Schema declaredSchema(Dataset dataset) {
    List<Field> fields = new ArrayList<>();
    for (DeclaredColumn column : dataset.columns()) {
      fields.add(
          new Field(
              column.name(), FieldType.nullable(AnswerBatches.arrowType(column.type())), null));
    }
    return new Schema(fields);
  }

  private static boolean catalogMatches(Caller analyst, String catalogName) {
    return catalogName == null || catalogName.equals(analyst.collaboration());
  }

  private void empty(CallContext context, Schema schema, ServerStreamListener listener) {
    analyst(context);
    sendRows(schema, List.of(), listener);
  }

  /** Rows of strings (VARCHAR) and bytes (VARBINARY) as one batch of {@code schema}. */
  private void sendRows(Schema schema, List<Object[]> rows, ServerStreamListener listener) {
    try (BufferAllocator child = allocator.newChildAllocator("flight-metadata", 0, Long.MAX_VALUE);
        VectorSchemaRoot batch = VectorSchemaRoot.create(schema, child)) {
      batch.allocateNew();
      for (int r = 0; r < rows.size(); r++) {
        Object[] row = rows.get(r);
        for (int c = 0; c < row.length; c++) {
          if (batch.getVector(c) instanceof VarCharVector text) {
            text.setSafe(r, row[c].toString().getBytes(StandardCharsets.UTF_8));
          } else if (batch.getVector(c) instanceof VarBinaryVector bytes) {
            bytes.setSafe(r, (byte[]) row[c]);
          }
        }
      }
      batch.setRowCount(rows.size());
      listener.start(batch);
      listener.putNext();
      listener.completed();
    }
  }

  private static RuntimeException readOnly() {
    return CallStatus.INVALID_ARGUMENT
        .withDescription("Not accepted: " + READ_ONLY)
        .toRuntimeException();
  }

  private static <T> T refusingAs(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException | Error failure) {
      throw FlightProblems.toFlight(failure);
    }
  }

  private static void streaming(ServerStreamListener listener, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException | Error failure) {
      listener.error(FlightProblems.toFlight(failure));
    }
  }

  private static void acting(StreamListener<Result> listener, Runnable call) {
    try {
      call.run();
      listener.onCompleted();
    } catch (RuntimeException | Error failure) {
      listener.onError(FlightProblems.toFlight(failure));
    }
  }
}
