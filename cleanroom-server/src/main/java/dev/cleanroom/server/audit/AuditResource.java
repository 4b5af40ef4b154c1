package dev.cleanroom.server.audit;

import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Reading and verifying the audit log: privacy officers see every event, providers the events of
 * their own datasets and their own actions.
 */
@Tag(name = "Audit")
@Path("/api/v1/collaborations/{collaboration}/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  static final int MAX_LIMIT = 1000;

  private final AuditLog log;
  private final OwnedTables ownedTables;
  private final CurrentCaller caller;

  @Inject
  public AuditResource(AuditLog log, OwnedTables ownedTables, CurrentCaller caller) {
    this.log = log;
    this.ownedTables = ownedTables;
    this.caller = caller;
  }

  /**
   * A page of events, oldest first; pass {@code next} as {@code after} for the following page.
   *
   * @param collaborationId the collaboration's internal number, which every event's hash covers:
   *     with it a member recomputes the chain on its own machine instead of trusting {@code
   *     /verify}
   */
  public record AuditPage(long collaborationId, List<AuditEvent> events, Long next) {}

  @Operation(
      summary =
          "Audit events, oldest first (privacy officers: all; providers: those of their own datasets)")
  @APIResponse(
      responseCode = "200",
      description = "A page of events and the position to continue after")
  @APIResponse(responseCode = "400", description = "after or limit out of range")
  @APIResponse(responseCode = "403", description = "Neither a privacy officer nor a provider")
  @GET
  public AuditPage read(
      @PathParam("collaboration") String collaboration,
      @QueryParam("after") @DefaultValue("0") long after,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    Caller reader = allowedReader(collaboration);
    if (after < 0 || limit < 1 || limit > MAX_LIMIT) {
      throw ServerException.malformed(
          "'after' must be >= 0 and 'limit' between 1 and " + MAX_LIMIT);
    }
    List<AuditEvent> events =
        reader.has(Role.PRIVACY_OFFICER)
            ? log.read(reader.collaborationId(), after, limit, null, null)
            : log.read(
                reader.collaborationId(),
                after,
                limit,
                ownedTables.tablesOwnedBy(reader.collaborationId(), reader.memberId()),
                reader.member());
    Long next = events.size() == limit ? events.get(events.size() - 1).position() : null;
    return new AuditPage(reader.collaborationId(), events, next);
  }

  @Operation(summary = "Recompute the audit hash chain")
  @APIResponse(
      responseCode = "200",
      description =
          "Whether the chain is intact, how many events were verified, the head hash or the first broken position")
  @APIResponse(responseCode = "403", description = "Neither a privacy officer nor a provider")
  @GET
  @Path("/verify")
  public AuditVerification verify(@PathParam("collaboration") String collaboration) {
    Caller reader = allowedReader(collaboration);
    return log.verify(reader.collaborationId());
  }

  private Caller allowedReader(String collaboration) {
    Caller reader = caller.get().requireMemberOf(collaboration);
    if (!reader.has(Role.PRIVACY_OFFICER) && !reader.has(Role.PROVIDER)) {
      throw ServerException.forbidden("only privacy officers and providers read the audit log");
    }
    return reader;
  }
}
