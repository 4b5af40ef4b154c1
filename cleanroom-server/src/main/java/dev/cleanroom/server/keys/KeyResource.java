package dev.cleanroom.server.keys;

import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.keys.KeyRequests.IssueKey;
import dev.cleanroom.server.keys.KeyRequests.IssuedKey;
import dev.cleanroom.server.keys.KeyRequests.KeyView;
import dev.cleanroom.server.keys.KeyRequests.RotateKey;
import dev.cleanroom.server.keys.KeyRequests.RotatedKey;
import dev.cleanroom.server.keys.MemberKeys.KeyOwner;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
 * A member's API keys: the member manages its own, the operator any member's. A key is named by its
 * public prefix; the key itself is shown once, when it is issued.
 */
@Path("/api/v1/collaborations/{collaboration}/members/{member}/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys")
public class KeyResource {
  private final MemberKeys keys;
  private final CurrentCaller caller;

  @Inject
  public KeyResource(MemberKeys keys, CurrentCaller caller) {
    this.keys = keys;
    this.caller = caller;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Issue a new API key to the member; the key is in this answer only")
  @APIResponse(responseCode = "201", description = "The new key and its prefix")
  @APIResponse(responseCode = "400", description = "Malformed body")
  @APIResponse(responseCode = "401", description = "No or an invalid, expired or revoked key")
  @APIResponse(responseCode = "403", description = "Another member's keys")
  @APIResponse(responseCode = "404", description = "Unknown collaboration or member (operator)")
  @APIResponse(responseCode = "422", description = "Expiry in the past or beyond the maximum")
  public Response issue(
      @PathParam("collaboration") String collaboration,
      @PathParam("member") String member,
      @Valid IssueKey request) {
    KeyOwner owner = keys.owner(caller.get(), collaboration, member);
    IssuedKey issued = keys.issue(owner, request == null ? null : request.expiresAt());
    return Response.status(Response.Status.CREATED).entity(issued).build();
  }

  @GET
  @Operation(summary = "List the member's keys by prefix, with their lifecycle; never the keys")
  @APIResponse(responseCode = "200", description = "The keys, newest first")
  @APIResponse(responseCode = "401", description = "No or an invalid, expired or revoked key")
  @APIResponse(responseCode = "403", description = "Another member's keys")
  @APIResponse(responseCode = "404", description = "Unknown collaboration or member (operator)")
  public List<KeyView> list(
      @PathParam("collaboration") String collaboration, @PathParam("member") String member) {
    return keys.list(keys.owner(caller.get(), collaboration, member));
  }

  @POST
  @Path("/{prefix}/rotate")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary =
          "Issue a new key in place of this one; the old key keeps working for the grace period")
  @APIResponse(responseCode = "201", description = "The new key, and the old one's new expiry")
  @APIResponse(responseCode = "400", description = "Malformed body or prefix")
  @APIResponse(responseCode = "401", description = "No or an invalid, expired or revoked key")
  @APIResponse(responseCode = "403", description = "Another member's keys")
  @APIResponse(responseCode = "404", description = "No key with this prefix")
  @APIResponse(responseCode = "409", description = "The key is revoked, expired or rotated")
  @APIResponse(responseCode = "422", description = "Grace or expiry beyond the maximum")
  public Response rotate(
      @PathParam("collaboration") String collaboration,
      @PathParam("member") String member,
      @PathParam("prefix") String prefix,
      @Valid RotateKey request) {
    KeyOwner owner = keys.owner(caller.get(), collaboration, member);
    RotatedKey rotated =
        keys.rotate(
            owner,
            prefix,
            request == null ? null : request.graceSeconds(),
            request == null ? null : request.expiresAt());
    return Response.status(Response.Status.CREATED).entity(rotated).build();
  }

  @DELETE
  @Path("/{prefix}")
  @Operation(summary = "Revoke a key at once")
  @APIResponse(responseCode = "200", description = "The key, now revoked")
  @APIResponse(responseCode = "400", description = "Malformed prefix")
  @APIResponse(responseCode = "401", description = "No or an invalid, expired or revoked key")
  @APIResponse(responseCode = "403", description = "Another member's keys")
  @APIResponse(responseCode = "404", description = "No key with this prefix")
  @APIResponse(
      responseCode = "409",
      description = "Revoked already, or the member's last active key (members only)")
  public KeyView revoke(
      @PathParam("collaboration") String collaboration,
      @PathParam("member") String member,
      @PathParam("prefix") String prefix) {
    Caller current = caller.get();
    return keys.revoke(keys.owner(current, collaboration, member), prefix, current.operator());
  }
}
