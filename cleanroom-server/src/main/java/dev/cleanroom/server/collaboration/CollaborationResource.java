package dev.cleanroom.server.collaboration;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.collaboration.CollaborationRequests.CollaborationView;
import dev.cleanroom.server.collaboration.CollaborationRequests.CreateCollaboration;
import dev.cleanroom.server.collaboration.CollaborationRequests.CreatedCollaboration;
import dev.cleanroom.server.collaboration.CollaborationRequests.EngineSetting;
import dev.cleanroom.server.collaboration.CollaborationRequests.Term;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Creating a collaboration (operator) and reading it (members). */
@Tag(name = "Collaborations")
@Path("/api/v1/collaborations")
@Produces(MediaType.APPLICATION_JSON)
public class CollaborationResource {
  private final Collaborations collaborations;
  private final CurrentCaller caller;

  @Inject
  public CollaborationResource(Collaborations collaborations, CurrentCaller caller) {
    this.collaborations = collaborations;
    this.caller = caller;
  }

  @Operation(
      summary = "Create a collaboration (operator key); answers each member's first API key, once")
  @APIResponse(
      responseCode = "201",
      description = "Created, with each member's API key (shown this once only)")
  @APIResponse(responseCode = "400", description = "The body is malformed")
  @APIResponse(responseCode = "403", description = "Not the operator key")
  @APIResponse(responseCode = "409", description = "A collaboration of that name exists")
  @APIResponse(responseCode = "422", description = "A name or role is not acceptable")
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(CreateCollaboration request) {
    if (!caller.get().operator()) {
      throw ServerException.forbidden("only the operator key may create collaborations");
    }
    CreatedCollaboration created = collaborations.create(Bodies.require(request), "operator");
    return Response.status(Response.Status.CREATED).entity(created).build();
  }

  @Operation(
      summary =
          "Set the engine that runs the collaboration's queries (operator key): vectorized, spark,"
              + " auto, or null for the server's setting")
  @APIResponse(responseCode = "204", description = "Set")
  @APIResponse(responseCode = "400", description = "The body is malformed")
  @APIResponse(responseCode = "403", description = "Not the operator key")
  @APIResponse(responseCode = "404", description = "No such collaboration")
  @APIResponse(responseCode = "422", description = "Not an engine this server knows")
  @PUT
  @Path("/{collaboration}/engine")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response setEngine(
      @PathParam("collaboration") String collaboration, EngineSetting setting) {
    if (!caller.get().operator()) {
      throw ServerException.forbidden("only the operator key may set a collaboration's engine");
    }
    collaborations.setEngine(collaboration, Bodies.require(setting), "operator");
    return Response.noContent().build();
  }

  @Operation(
      summary =
          "Set when the collaboration answers queries (operator key): startsAt and endsAt, ISO-8601"
              + " instants, either null; outside the term queries are refused with"
              + " collaboration-not-started or collaboration-ended")
  @APIResponse(responseCode = "204", description = "Set")
  @APIResponse(responseCode = "400", description = "The body is malformed")
  @APIResponse(responseCode = "403", description = "Not the operator key")
  @APIResponse(responseCode = "404", description = "No such collaboration")
  @APIResponse(responseCode = "422", description = "endsAt is not after startsAt")
  @PUT
  @Path("/{collaboration}/term")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response setTerm(@PathParam("collaboration") String collaboration, Term term) {
    if (!caller.get().operator()) {
      throw ServerException.forbidden("only the operator key may set a collaboration's term");
    }
    collaborations.setTerm(collaboration, Bodies.require(term), "operator");
    return Response.noContent().build();
  }

  @Operation(
      summary =
          "Members, datasets, their current versions, the engine setting and the term (members of"
              + " the collaboration)")
  @APIResponse(responseCode = "200", description = "The collaboration")
  @APIResponse(responseCode = "403", description = "Not a member of this collaboration")
  @APIResponse(responseCode = "404", description = "No such collaboration")
  @GET
  @Path("/{collaboration}")
  public CollaborationView get(@PathParam("collaboration") String collaboration) {
    Caller member = caller.get().requireMemberOf(collaboration);
    return collaborations.view(member.collaborationId(), collaboration);
  }
}
