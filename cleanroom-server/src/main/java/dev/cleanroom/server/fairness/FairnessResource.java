package dev.cleanroom.server.fairness;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.fairness.FairnessRequests.FairnessReport;
import dev.cleanroom.server.fairness.FairnessRequests.FairnessRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Fairness reports: reach and rate across a sensitive segment, with disparity and its noise. */
@Tag(name = "Fairness")
@Path("/api/v1/collaborations/{collaboration}/fairness-reports")
public class FairnessResource {
  private final FairnessReports reports;
  private final CurrentCaller caller;

  @Inject
  public FairnessResource(FairnessReports reports, CurrentCaller caller) {
    this.reports = reports;
    this.caller = caller;
  }

  @Operation(
      summary =
          "A fairness report (analyst): a reach question split by a sensitive segment the privacy"
              + " officer declared, each segment's reach, population and rate with 95% intervals,"
              + " the disparity against the overall rate and whether it is significant; charged as"
              + " its two queries")
  @APIResponse(responseCode = "200", description = "The report")
  @APIResponse(responseCode = "400", description = "Malformed body")
  @APIResponse(responseCode = "403", description = "Not an analyst; or outside the term")
  @APIResponse(
      responseCode = "422",
      description =
          "Not a reach question (fairness-not-a-reach-question), the segment is not declared"
              + " sensitive (fairness-segment-not-sensitive), or a part violates a policy")
  @APIResponse(responseCode = "429", description = "The budget would be overspent")
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public FairnessReport report(
      @PathParam("collaboration") String collaboration, FairnessRequest request) {
    Caller analyst = caller.get().require(collaboration, Role.ANALYST);
    return reports.report(analyst, Bodies.require(request));
  }
}
