package dev.cleanroom.server.dataset;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/** Declaring datasets, uploading their data and erasing a privacy unit. */
@Path("/api/v1/collaborations/{collaboration}/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {
  private final DatasetCatalog catalog;
  private final DataUploads uploads;
  private final CurrentCaller caller;

  @Inject
  public DatasetResource(DatasetCatalog catalog, DataUploads uploads, CurrentCaller caller) {
    this.catalog = catalog;
    this.uploads = uploads;
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

  /**
   * Uploads a new version: CSV, Parquet or Arrow (file or stream), streamed and validated against
   * the declaration; all or nothing.
   */
  @PUT
  @Path("/{dataset}/data")
  @Consumes({
    "text/csv",
    "application/vnd.apache.parquet",
    "application/vnd.apache.arrow.file",
    "application/vnd.apache.arrow.stream"
  })
  public DataVersion upload(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      InputStream body) {
    Caller provider = caller.get().require(collaboration, Role.PROVIDER);
    Dataset dataset = catalog.require(provider.collaborationId(), datasetName);
    Dataset updated = uploads.upload(provider, dataset, body, contentType);
    return new DataVersion(updated.table(), updated.currentVersion());
  }

  /** Removes every row of one privacy unit (an erasure request) in a new version. */
  @DELETE
  @Path("/{dataset}/units/{value}")
  public DataUploads.ErasureOutcome erase(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      @PathParam("value") String unitValue) {
    Caller provider = caller.get().require(collaboration, Role.PROVIDER);
    Dataset dataset = catalog.require(provider.collaborationId(), datasetName);
    return uploads.erase(provider, dataset, unitValue);
  }

  /** The version an upload created. */
  public record DataVersion(String table, int version) {}

  /** The answer to a declaration. */
  public record DatasetCreated(
      String name, String owner, String table, java.util.List<DeclaredColumn> columns) {}
}
