package dev.cleanroom.server.api;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the generated OpenAPI document ({@code /q/openapi}) says of the API as a whole; the
 * operations come from the resources' own annotations, and {@link ProblemResponses} gives every
 * error answer its problem+json body.
 */
@OpenAPIDefinition(
    info =
        @Info(
            title = "Clean room server",
            version = "1",
            description =
                "A data clean room: providers upload datasets, privacy officers approve policies,"
                    + " analysts ask aggregate SQL questions and get thresholded, noised answers"
                    + " charged to a privacy budget. Every call needs `Authorization: Bearer <api"
                    + " key>`: a member's key, or the operator key where an operation says so."
                    + " Errors are application/problem+json (RFC 9457).",
            license = @License(name = "Apache-2.0")),
    security = @SecurityRequirement(name = ApiDocument.BEARER),
    tags = {
      @Tag(name = "Collaborations", description = "Clean rooms and their members"),
      @Tag(name = "Datasets", description = "Declarations, uploads and erasures"),
      @Tag(name = "Policies", description = "What analysts may ask of a dataset"),
      @Tag(name = "Queries", description = "Aggregate questions and their noised answers"),
      @Tag(name = "Budgets", description = "Epsilon spent and left"),
      @Tag(name = "Audit", description = "The hash-chained record of every action")
    })
@SecurityScheme(
    securitySchemeName = ApiDocument.BEARER,
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description = "A member's API key (crk_...), or the operator key")
public class ApiDocument extends Application {
  static final String BEARER = "bearer";
}
