package dev.cleanroom.server.query;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Analysts' queries: answers (JSON, CSV or Arrow IPC by {@code Accept}) and explanations. */
@Tag(name = "Queries")
@Path("/api/v1/collaborations/{collaboration}/queries")
public class QueryResource {
  private final QueryService queries;
  private final CurrentCaller caller;

  @Inject
  public QueryResource(QueryService queries, CurrentCaller caller) {
    this.queries = queries;
    this.caller = caller;
  }

  /**
   * {@code {sql, purpose, options}}: the SQL text of one aggregate query, the purpose it declares
   * (docs/GOVERNANCE.md, "Consent by purpose"), and optional release options.
   */
  @Schema(
      description = "One aggregate SQL query over the datasets the caller may read",
      example =
          "{\"sql\": \"SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach FROM"
              + " advertiser.impressions i JOIN retailer.customers c ON i.email_hash ="
              + " c.email_hash GROUP BY i.campaign_id\", \"purpose\": \"measurement\","
              + " \"options\": {\"suppressedGroups\": false}}")
  public record QueryRequest(
      String sql,
      @Schema(
              description =
                  "The purpose the query is asked for (e.g. measurement); required by datasets"
                      + " that record consent by purpose, which then read only the rows"
                      + " consenting to it")
          String purpose,
      QueryOptions options) {
    public QueryRequest {
      if (sql == null || sql.isBlank()) {
        throw ServerException.malformed("'sql' is required");
      }
      options = (options == null ? QueryOptions.DEFAULT : options).withPurpose(purpose);
    }

    /** A request without purpose. */
    public QueryRequest(String sql, QueryOptions options) {
      this(sql, null, options);
    }

    /** A request without purpose or options. */
    public QueryRequest(String sql) {
      this(sql, null, null);
    }
  }

  @Operation(
      summary =
          "Ask an aggregate SQL question (analyst); answered as JSON, CSV or Arrow IPC by Accept, with its privacy report")
  @APIResponse(
      responseCode = "200",
      description =
          "The released answer: noised aggregates, groups below the thresholds withheld; CSV and Arrow carry the privacy report in Cleanroom-* headers")
  @APIResponse(
      responseCode = "400",
      description =
          "The SQL cannot be parsed or names unknown tables or columns, or an option is unknown")
  @APIResponse(responseCode = "403", description = "Not an analyst")
  @APIResponse(responseCode = "406", description = "No acceptable answer format")
  @APIResponse(
      responseCode = "422",
      description =
          "The query violates a policy (every violation named), or its options cannot be used"
              + " with it (e.g. gaussian with a remainder row)")
  @APIResponse(
      responseCode = "429",
      description = "The budget would be overspent, or too many queries run at once")
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({
    AnswerFormats.JSON,
    AnswerFormats.CSV,
    AnswerFormats.ARROW_STREAM,
    AnswerFormats.ARROW_FILE
  })
  public Answer ask(@PathParam("collaboration") String collaboration, QueryRequest request) {
    Caller analyst = caller.get().require(collaboration, Role.ANALYST);
    QueryRequest body = Bodies.require(request);
    return queries.ask(analyst, body.sql(), body.options());
  }

  @Operation(
      summary =
          "Violations, or the rewritten plan and its cost (analyst); nothing runs, no budget moves")
  @APIResponse(
      responseCode = "200",
      description =
          "Accepted with its plan, epsilon and accuracy (what epsilon gives each noised column ±X,"
              + " from how many people a group is shown), or rejected with its violations")
  @APIResponse(
      responseCode = "400",
      description =
          "The SQL cannot be parsed or names unknown tables or columns, an option is unknown, or"
              + " options.targetHalfWidth names a column that is not noised or a target that is not"
              + " positive")
  @APIResponse(responseCode = "403", description = "Not an analyst")
  @APIResponse(
      responseCode = "422",
      description =
          "The query's options cannot be used with it (e.g. gaussian with a remainder row)")
  @POST
  @Path("/explain")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Explanation explain(
      @PathParam("collaboration") String collaboration, QueryRequest request) {
    Caller analyst = caller.get().require(collaboration, Role.ANALYST);
    QueryRequest body = Bodies.require(request);
    return queries.explain(analyst, body.sql(), body.options());
  }
}
