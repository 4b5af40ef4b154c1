package dev.cleanroom.server.collaboration;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.collaboration.CollaborationRequests.CollaborationView;
import dev.cleanroom.server.collaboration.CollaborationRequests.CreateCollaboration;
import dev.cleanroom.server.collaboration.CollaborationRequests.CreatedCollaboration;
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

/** Creating a collaboration (operator) and reading it (members). */
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

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(CreateCollaboration request) {
    if (!caller.get().operator()) {
      throw ServerException.forbidden("only the operator key may create collaborations");
    }
    CreatedCollaboration created = collaborations.create(Bodies.require(request), "operator");
    return Response.status(Response.Status.CREATED).entity(created).build();
  }

  @GET
  @Path("/{collaboration}")
  public CollaborationView get(@PathParam("collaboration") String collaboration) {
    Caller member = caller.get().requireMemberOf(collaboration);
    return collaborations.view(member.collaborationId(), collaboration);
  }
}
