package dev.cleanroom.server.template;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.template.TemplateRequests.NewTemplate;
import dev.cleanroom.server.template.TemplateRequests.RunRequest;
import dev.cleanroom.server.template.TemplateRequests.RunResult;
import dev.cleanroom.server.template.TemplateRequests.TemplateView;
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

/** Approved query templates: propose, approve, list, run, read a run's answer. */
@Tag(name = "Templates")
@Path("/api/v1/collaborations/{collaboration}/templates")
@Produces(MediaType.APPLICATION_JSON)
public class TemplateResource {
  private final Templates templates;
  private final CurrentCaller caller;

  @Inject
  public TemplateResource(Templates templates, CurrentCaller caller) {
    this.templates = templates;
    this.caller = caller;
  }

  @Operation(
      summary =
          "Propose a query template (analyst): SQL with typed :parameters, checked by the analyser"
              + " as a query; a new version of an existing name is a draft until approved")
  @APIResponse(responseCode = "201", description = "The draft version")
  @APIResponse(responseCode = "400", description = "Malformed body or SQL")
  @APIResponse(responseCode = "403", description = "Not an analyst; or outside the term")
  @APIResponse(
      responseCode = "422",
      description =
          "The template violates a policy, uses an undeclared parameter, declares an unused one,"
              + " places a parameter where only a name can stand (template-parameter-position),"
              + " or names an unknown result receiver")
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response propose(@PathParam("collaboration") String collaboration, NewTemplate request) {
    Caller analyst = caller.get().require(collaboration, Role.ANALYST);
    return Response.status(Response.Status.CREATED)
        .entity(templates.propose(analyst, Bodies.require(request)))
        .build();
  }

  @Operation(summary = "Every version of every template, with status and approvals (members)")
  @APIResponse(responseCode = "200", description = "The templates")
  @APIResponse(responseCode = "403", description = "Not a member")
  @GET
  public List<TemplateView> list(@PathParam("collaboration") String collaboration) {
    return templates.list(caller.get().requireMemberOf(collaboration));
  }

  @Operation(
      summary =
          "Approve a draft version (privacy officer, not its author) for every dataset it reads;"
              + " it supersedes the approved version")
  @APIResponse(responseCode = "200", description = "The approved version")
  @APIResponse(responseCode = "403", description = "Not a privacy officer, or the author")
  @APIResponse(responseCode = "404", description = "No such template version")
  @APIResponse(responseCode = "409", description = "The version is not a draft")
  @POST
  @Path("/{name}/versions/{version}/approve")
  public TemplateView approve(
      @PathParam("collaboration") String collaboration,
      @PathParam("name") String name,
      @PathParam("version") int version) {
    Caller officer = caller.get().require(collaboration, Role.PRIVACY_OFFICER);
    return templates.approve(officer, name, version);
  }

  @Operation(
      summary =
          "Run the approved version with parameter values (analyst); charged like a query at the"
              + " template's epsilon; the answer goes to the result receivers")
  @APIResponse(
      responseCode = "200",
      description = "The run with its answer (the caller is a result receiver)")
  @APIResponse(
      responseCode = "202",
      description = "The run without its answer (the caller is not a result receiver)")
  @APIResponse(responseCode = "403", description = "Not an analyst; or outside the term")
  @APIResponse(responseCode = "404", description = "No such template")
  @APIResponse(
      responseCode = "409",
      description = "The template has no approved version (template-not-approved)")
  @APIResponse(
      responseCode = "422",
      description =
          "A value of the wrong type (template-parameter-type), a missing or unknown parameter"
              + " (template-parameter-missing), or the bound query violates a policy")
  @APIResponse(responseCode = "429", description = "The budget would be overspent")
  @POST
  @Path("/{name}/runs")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response run(
      @PathParam("collaboration") String collaboration,
      @PathParam("name") String name,
      RunRequest request) {
    Caller analyst = caller.get().require(collaboration, Role.ANALYST);
    RunResult result = templates.run(analyst, name, Bodies.require(request));
    return Response.status(result.answer() == null ? 202 : 200).entity(result).build();
  }

  @Operation(summary = "A run's answer (its result receivers only)")
  @APIResponse(responseCode = "200", description = "The run and its answer")
  @APIResponse(
      responseCode = "404",
      description = "No such run, or the caller is not one of its result receivers")
  @GET
  @Path("/{name}/runs/{runId}")
  public RunResult result(
      @PathParam("collaboration") String collaboration,
      @PathParam("name") String name,
      @PathParam("runId") String runId) {
    return templates.result(caller.get().requireMemberOf(collaboration), name, runId);
  }
}
