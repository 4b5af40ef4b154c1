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

/** Analysts' queries: answers (JSON, CSV or Arrow IPC by {@code Accept}) and explanations. */
@Path("/api/v1/collaborations/{collaboration}/queries")
public class QueryResource {
  private final QueryService queries;
  private final CurrentCaller caller;

  @Inject
  public QueryResource(QueryService queries, CurrentCaller caller) {
    this.queries = queries;
    this.caller = caller;
  }

  /** {@code {sql}}: the SQL text of one aggregate query. */
  public record QueryRequest(String sql) {
    public QueryRequest {
      if (sql == null || sql.isBlank()) {
        throw ServerException.malformed("'sql' is required");
      }
    }
  }

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
    return queries.ask(analyst, Bodies.require(request).sql());
  }

  @POST
  @Path("/explain")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Explanation explain(
      @PathParam("collaboration") String collaboration, QueryRequest request) {
    Caller analyst = caller.get().require(collaboration, Role.ANALYST);
    return queries.explain(analyst, Bodies.require(request).sql());
  }
}
