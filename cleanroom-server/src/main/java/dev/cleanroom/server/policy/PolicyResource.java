package dev.cleanroom.server.policy;

import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DatasetCatalog;
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
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The policy lifecycle of a dataset: drafts, approval and history. */
@Tag(name = "Policies")
@Path("/api/v1/collaborations/{collaboration}/datasets/{dataset}/policy")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {
  private final Policies policies;
  private final PolicyVersions versions;
  private final DatasetCatalog catalog;
  private final CurrentCaller caller;
  private final boolean selfApproval;
  private final DryRuns dryRuns;

  @Inject
  public PolicyResource(
      Policies policies,
      PolicyVersions versions,
      DatasetCatalog catalog,
      CurrentCaller caller,
      @ConfigProperty(name = "cleanroom.policy.self-approval") boolean selfApproval,
      DryRuns dryRuns) {
    this.policies = policies;
    this.versions = versions;
    this.catalog = catalog;
    this.caller = caller;
    this.selfApproval = selfApproval;
    this.dryRuns = dryRuns;
  }

  /** Proposes a policy document (the JSON of DESIGN.md's policy model) as a new draft. */
  @Operation(summary = "Propose a policy version (privacy officer); stored as a draft")
  @APIResponse(responseCode = "201", description = "The draft version")
  @APIResponse(responseCode = "400", description = "The body is malformed")
  @APIResponse(responseCode = "403", description = "Not a privacy officer")
  @APIResponse(responseCode = "404", description = "No such dataset")
  @APIResponse(responseCode = "422", description = "The policy is not valid (every problem named)")
  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  public Response propose(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      String document) {
    Caller officer = caller.get().require(collaboration, Role.PRIVACY_OFFICER);
    Dataset dataset = catalog.require(officer.collaborationId(), datasetName);
    PolicyVersion draft = policies.propose(dataset, officer, document);
    return Response.status(Response.Status.CREATED).entity(draft).build();
  }

  /** Every version, oldest first; any member may read them (analysts write queries by them). */
  @Operation(summary = "Every policy version of the dataset, oldest first (members)")
  @APIResponse(responseCode = "200", description = "The versions")
  @APIResponse(responseCode = "403", description = "Not a member")
  @APIResponse(responseCode = "404", description = "No such dataset")
  @GET
  public List<PolicyVersion> history(
      @PathParam("collaboration") String collaboration, @PathParam("dataset") String datasetName) {
    Caller member = caller.get().requireMemberOf(collaboration);
    return versions.history(catalog.require(member.collaborationId(), datasetName).id());
  }

  @Operation(summary = "One policy version (members)")
  @APIResponse(responseCode = "200", description = "The version")
  @APIResponse(responseCode = "403", description = "Not a member")
  @APIResponse(responseCode = "404", description = "No such dataset or version")
  @GET
  @Path("/{version}")
  public PolicyVersion version(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      @PathParam("version") int version) {
    Caller member = caller.get().requireMemberOf(collaboration);
    return versions.require(catalog.require(member.collaborationId(), datasetName), version);
  }

  /** Runs example queries against a draft (or any version): which pass, which are rejected. */
  @Operation(
      summary =
          "Try example queries against a policy version (privacy officer); nothing runs, no budget moves")
  @APIResponse(
      responseCode = "200",
      description =
          "Each case accepted or rejected with its violations, and the version's accuracy table"
              + " (from how many people a group is shown, ± at 95% for reach, a row count and each"
              + " metric's sum, at standard epsilons and the version's own)")
  @APIResponse(responseCode = "400", description = "The body is malformed")
  @APIResponse(responseCode = "403", description = "Not a privacy officer")
  @APIResponse(responseCode = "404", description = "No such dataset or version")
  @POST
  @Path("/{version}/dry-run")
  @Consumes(MediaType.APPLICATION_JSON)
  public DryRun.Report dryRun(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      @PathParam("version") int version,
      DryRun.Request request) {
    Caller officer = caller.get().require(collaboration, Role.PRIVACY_OFFICER);
    DryRun.Request body = Bodies.require(request);
    Dataset dataset = catalog.require(officer.collaborationId(), datasetName);
    DatasetPolicy draft = policies.read(versions.require(dataset, version));
    String analyst =
        body.analyst() != null
            ? body.analyst()
            : draft.allowedAnalysts().stream()
                .sorted()
                .findFirst()
                .orElseThrow(
                    () ->
                        ServerException.malformed(
                            "the policy allows no analyst; name one in 'analyst'"));
    return dryRuns.run(dataset, version, draft, analyst, body.cases());
  }

  @Operation(
      summary =
          "Approve a draft (privacy officer; not its author unless configured): it takes effect at"
              + " once, or, when it allows an analyst or a join the version in force does not,"
              + " awaits the providers whose data it exposes more")
  @APIResponse(responseCode = "200", description = "The approved version, now in force")
  @APIResponse(
      responseCode = "202",
      description =
          "The version, AWAITING_PROVIDERS: it takes effect once every provider listed as AWAITED"
              + " approves it (provider-approval)")
  @APIResponse(responseCode = "403", description = "Not a privacy officer, or the draft's author")
  @APIResponse(responseCode = "404", description = "No such dataset or version")
  @APIResponse(
      responseCode = "409",
      description =
          "Not a draft; or it declares one row per privacy unit and a readable data version has"
              + " more than one row for some unit, or a row without one (policy-contradicts-data)")
  @APIResponse(
      responseCode = "422",
      description = "The draft contradicts the collaboration now (every problem named)")
  @POST
  @Path("/{version}/approve")
  public Response approve(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      @PathParam("version") int version) {
    Caller officer = caller.get().require(collaboration, Role.PRIVACY_OFFICER);
    Dataset dataset = catalog.require(officer.collaborationId(), datasetName);
    return answer(policies.approve(dataset, version, officer, selfApproval));
  }

  @Operation(
      summary =
          "Approve, as a provider whose approval it awaits, a version that exposes your data more;"
              + " the last awaited approval puts it in force")
  @APIResponse(responseCode = "200", description = "The version, now in force")
  @APIResponse(
      responseCode = "202",
      description = "The version, still awaiting other providers (listed as AWAITED)")
  @APIResponse(responseCode = "403", description = "Not a member")
  @APIResponse(responseCode = "404", description = "No such dataset or version")
  @APIResponse(
      responseCode = "409",
      description =
          "The version does not await this member's approval (provider-approval-not-awaited);"
              + " or it declares one row per privacy unit and a readable data version has more"
              + " than one row for some unit, or a row without one (policy-contradicts-data)")
  @APIResponse(
      responseCode = "422",
      description = "The version contradicts the collaboration now (every problem named)")
  @POST
  @Path("/{version}/provider-approval")
  public Response approveAsProvider(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      @PathParam("version") int version) {
    Caller provider = caller.get().requireMemberOf(collaboration);
    Dataset dataset = catalog.require(provider.collaborationId(), datasetName);
    return answer(policies.decide(dataset, version, provider, true));
  }

  @Operation(
      summary =
          "Refuse, as a provider whose approval it awaits, a version that exposes your data more;"
              + " it becomes REFUSED and never takes effect")
  @APIResponse(responseCode = "200", description = "The version, REFUSED")
  @APIResponse(responseCode = "403", description = "Not a member")
  @APIResponse(responseCode = "404", description = "No such dataset or version")
  @APIResponse(
      responseCode = "409",
      description =
          "The version does not await this member's approval (provider-approval-not-awaited);"
              + " or it declares one row per privacy unit and a readable data version has more"
              + " than one row for some unit, or a row without one (policy-contradicts-data)")
  @POST
  @Path("/{version}/provider-refusal")
  public PolicyVersion refuseAsProvider(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      @PathParam("version") int version) {
    Caller provider = caller.get().requireMemberOf(collaboration);
    Dataset dataset = catalog.require(provider.collaborationId(), datasetName);
    return policies.decide(dataset, version, provider, false);
  }

  /** 202 for a version that still awaits providers, 200 otherwise. */
  private static Response answer(PolicyVersion version) {
    int status = PolicyVersion.AWAITING_PROVIDERS.equals(version.status()) ? 202 : 200;
    return Response.status(status).entity(version).build();
  }
}
