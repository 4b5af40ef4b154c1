package dev.cleanroom.server.subject;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.dataset.SubjectIdentifier;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Transparency for the people in the data: a provider looks one person up in its own datasets and
 * gets the report as JSON, or as a page it can hand to the person ({@code Accept: text/html}). The
 * identifier travels in the body, never in a URL that logs keep.
 */
@Tag(name = "Transparency")
@Path("/api/v1/collaborations/{collaboration}/subject-lookups")
public class SubjectResource {
  /** The page names a person and is self-contained: no script, no fetch, its own style only. */
  static final String PAGE_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private final SubjectLookups lookups;
  private final CurrentCaller caller;
  private final Template page;

  @Inject
  public SubjectResource(
      SubjectLookups lookups,
      CurrentCaller caller,
      @Location("subject-report.html") Template page) {
    this.lookups = lookups;
    this.caller = caller;
    this.page = page;
  }

  @Operation(
      summary =
          "Look one person up in the caller's own datasets (provider): which versions held"
              + " them, which queries read those versions (time, analyst, purpose, epsilon; never"
              + " results), and the receipts of their erasures")
  @APIResponse(responseCode = "200", description = "The report")
  @APIResponse(responseCode = "400", description = "Malformed body or identifier")
  @APIResponse(responseCode = "403", description = "Not a provider of the collaboration")
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response lookup(
      @PathParam("collaboration") String collaboration, SubjectLookupRequest request) {
    SubjectReport report = report(collaboration, request);
    return Response.ok(report).header("Cache-Control", "no-store").build();
  }

  @Operation(
      summary =
          "The same lookup as a self-contained HTML page for the person (provider; Accept:"
              + " text/html)")
  @APIResponse(responseCode = "200", description = "The page")
  @APIResponse(responseCode = "400", description = "Malformed body or identifier")
  @APIResponse(responseCode = "403", description = "Not a provider of the collaboration")
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.TEXT_HTML)
  public Response page(
      @PathParam("collaboration") String collaboration, SubjectLookupRequest request) {
    SubjectReport report = report(collaboration, request);
    return Response.ok(page.data("report", report).render())
        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .header("Content-Security-Policy", PAGE_POLICY)
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
        .build();
  }

  private SubjectReport report(String collaboration, SubjectLookupRequest request) {
    Caller provider = caller.get().require(collaboration, Role.PROVIDER);
    return lookups.lookup(provider, Bodies.require(request).identifier());
  }

  /**
   * The person to look up.
   *
   * @param identifier the value of the privacy unit column that is theirs (a customer id); see
   *     {@link SubjectIdentifier}
   */
  @Schema(description = "The person to look up", example = "{\"identifier\": \"42\"}")
  public record SubjectLookupRequest(String identifier) {
    public SubjectLookupRequest {
      SubjectIdentifier.require("identifier", identifier);
    }
  }
}
