package dev.cleanroom.server.change;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.change.ChangeRequestBodies.ChangeRequestView;
import dev.cleanroom.server.change.ChangeRequestBodies.NewChangeRequest;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Change requests: a new member, asked by the operator or a privacy officer, added once every
 * provider of the collaboration has approved it.
 */
@Tag(name = "Collaborations")
@Path("/api/v1/collaborations/{collaboration}/change-requests")
@Produces(MediaType.APPLICATION_JSON)
public class ChangeRequestResource {
  private final ChangeRequests changeRequests;
  private final Collaborations collaborations;
  private final CurrentCaller caller;

  @Inject
  public ChangeRequestResource(
      ChangeRequests changeRequests, Collaborations collaborations, CurrentCaller caller) {
    this.changeRequests = changeRequests;
    this.collaborations = collaborations;
    this.caller = caller;
  }

  @Operation(
      summary =
          "Ask for a change (operator key or privacy officer): ADD_MEMBER with its roles; every"
              + " member that is a provider now must approve it, and it is applied at once when"
              + " there is none")
  @APIResponse(
      responseCode = "201",
      description = "The request: PENDING with its awaited providers, or APPLIED")
  @APIResponse(responseCode = "400", description = "The body is malformed")
  @APIResponse(
      responseCode = "403",
      description = "Neither the operator key nor a privacy officer of the collaboration")
  @APIResponse(responseCode = "404", description = "No such collaboration (operator)")
  @APIResponse(
      responseCode = "409",
      description =
          "The collaboration has a member of that name, or a pending request adds one"
              + " (member-exists)")
  @APIResponse(responseCode = "422", description = "A name or role is not acceptable")
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response request(
      @PathParam("collaboration") String collaboration, NewChangeRequest request) {
    Caller requester = caller.get();
    long collaborationId =
        requester.operator()
            ? collaborationIdForOperator(collaboration)
            : requester.require(collaboration, Role.PRIVACY_OFFICER).collaborationId();
    ChangeRequestView created =
        changeRequests.request(collaborationId, requester, Bodies.require(request));
    return Response.status(Response.Status.CREATED).entity(created).build();
  }

  @Operation(
      summary =
          "Every change request, oldest first, with its providers' decisions (members,"
              + " operator key)")
  @APIResponse(responseCode = "200", description = "The change requests")
  @APIResponse(responseCode = "403", description = "Not a member")
  @APIResponse(responseCode = "404", description = "No such collaboration (operator)")
  @GET
  public List<ChangeRequestView> list(@PathParam("collaboration") String collaboration) {
    return changeRequests.list(reader(collaboration));
  }

  @Operation(summary = "One change request (members, operator key)")
  @APIResponse(responseCode = "200", description = "The change request")
  @APIResponse(responseCode = "403", description = "Not a member")
  @APIResponse(responseCode = "404", description = "No such collaboration or change request")
  @GET
  @Path("/{id}")
  public ChangeRequestView get(
      @PathParam("collaboration") String collaboration, @PathParam("id") int id) {
    return changeRequests.require(reader(collaboration), id);
  }

  @Operation(
      summary =
          "Approve a pending change request as a provider it awaits; the last approval applies it")
  @APIResponse(responseCode = "200", description = "The request: still PENDING, or APPLIED")
  @APIResponse(responseCode = "403", description = "Not a member")
  @APIResponse(responseCode = "404", description = "No such change request")
  @APIResponse(
      responseCode = "409",
      description =
          "The request is not pending, or awaits no approval of this member"
              + " (change-approval-not-awaited)")
  @POST
  @Path("/{id}/approve")
  public ChangeRequestView approve(
      @PathParam("collaboration") String collaboration, @PathParam("id") int id) {
    Caller provider = caller.get().requireMemberOf(collaboration);
    return changeRequests.decide(provider.collaborationId(), id, provider, true);
  }

  @Operation(summary = "Reject a pending change request as a provider it awaits; it is REJECTED")
  @APIResponse(responseCode = "200", description = "The request, REJECTED")
  @APIResponse(responseCode = "403", description = "Not a member")
  @APIResponse(responseCode = "404", description = "No such change request")
  @APIResponse(
      responseCode = "409",
      description =
          "The request is not pending, or awaits no approval of this member"
              + " (change-approval-not-awaited)")
  @POST
  @Path("/{id}/reject")
  public ChangeRequestView reject(
      @PathParam("collaboration") String collaboration, @PathParam("id") int id) {
    Caller provider = caller.get().requireMemberOf(collaboration);
    return changeRequests.decide(provider.collaborationId(), id, provider, false);
  }

  /** The collaboration a member reads, or the operator names. */
  private long reader(String collaboration) {
    Caller reader = caller.get();
    return reader.operator()
        ? collaborationIdForOperator(collaboration)
        : reader.requireMemberOf(collaboration).collaborationId();
  }

  private long collaborationIdForOperator(String collaboration) {
    Long id = collaborations.idOf(collaboration);
    if (id == null) {
      throw ServerException.notFound("collaboration '" + collaboration + "'");
    }
    return id;
  }
}
