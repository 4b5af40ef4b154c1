package dev.cleanroom.server.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The hand-maintained OpenAPI document and a Swagger UI page over it. A test fails when a resource
 * method is missing from the document.
 */
@Path("/")
public class OpenApiResource {
  static final String DOCUMENT = "/openapi/openapi.yaml";
  private static final String SWAGGER_PAGE = "/openapi/swagger-ui.html";

  @GET
  @Path("openapi")
  @Produces("application/yaml")
  public Response document() {
    return Response.ok(resource(DOCUMENT)).build();
  }

  @GET
  @Path("openapi.yaml")
  @Produces("application/yaml")
  public Response documentFile() {
    return document();
  }

  @GET
  @Path("swagger-ui")
  @Produces("text/html")
  public Response swaggerUi() {
    return Response.ok(resource(SWAGGER_PAGE)).build();
  }

  private static byte[] resource(String name) {
    try (InputStream in = OpenApiResource.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
