package dev.cleanroom.server.dataset;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Declaring datasets, uploading their data and erasing a privacy unit. */
@Path("/api/v1/collaborations/{collaboration}/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {
  private final DatasetCatalog catalog;
  private final CurrentCaller caller;

  @Inject
  public DatasetResource(DatasetCatalog catalog, CurrentCaller caller) {
    this.catalog = catalog;
    this.caller = caller;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response declare(
      @PathParam("collaboration") String collaboration, DatasetDeclaration declaration) {
    Caller provider = caller.get().require(collaboration, Role.PROVIDER);
    Dataset dataset = catalog.declare(provider, Bodies.require(declaration));
    return Response.status(Response.Status.CREATED)
        .entity(
            new DatasetCreated(dataset.name(), dataset.owner(), dataset.table(), dataset.columns()))
        .build();
  }

  /** The answer to a declaration. */
  public record DatasetCreated(
      String name, String owner, String table, java.util.List<DeclaredColumn> columns) {}
}
