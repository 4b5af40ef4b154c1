package dev.cleanroom.server.admin;

import dev.cleanroom.server.admin.MasterKeyRotation.RotationRun;
import dev.cleanroom.server.admin.MasterKeyRotation.RotationStatus;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The operator's view and control of the master key rotation. */
@Path("/api/v1/admin/master-key/rotation")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Operator")
public class MasterKeyResource {
  private final MasterKeyRotation rotation;
  private final CurrentCaller caller;

  @Inject
  public MasterKeyResource(MasterKeyRotation rotation, CurrentCaller caller) {
    this.rotation = rotation;
    this.caller = caller;
  }

  @GET
  @Operation(summary = "How many key files are under which master key, and whether it is done")
  @APIResponse(responseCode = "200", description = "The rotation's status")
  @APIResponse(responseCode = "401", description = "No or an invalid key")
  @APIResponse(responseCode = "403", description = "Not the operator key")
  public RotationStatus status() {
    requireOperator();
    return rotation.status();
  }

  @POST
  @Operation(
      summary = "Re-wrap every data key not under the current master key; data files are untouched")
  @APIResponse(responseCode = "200", description = "What was re-wrapped, and the status after")
  @APIResponse(responseCode = "401", description = "No or an invalid key")
  @APIResponse(responseCode = "403", description = "Not the operator key")
  @APIResponse(
      responseCode = "409",
      description = "A rotation is under way, or key files are under a key not configured")
  @APIResponse(
      responseCode = "500",
      description = "The rotation stopped part-way; what it re-wrapped stays, run it again")
  public RotationRun rotate() {
    requireOperator();
    return rotation.rotate("operator");
  }

  private void requireOperator() {
    if (!caller.get().operator()) {
      throw ServerException.forbidden("only the operator key may rotate the master key");
    }
  }
}
