package dev.cleanroom.server.dataset;

import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Declaring datasets, uploading their data and erasing a privacy unit. */
@Tag(name = "Datasets")
@Path("/api/v1/collaborations/{collaboration}/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {
  private final DatasetCatalog catalog;
  private final DataUploads uploads;
  private final CurrentCaller caller;
  private final ErasureReceipts receipts;

  @Inject
  public DatasetResource(
      DatasetCatalog catalog, DataUploads uploads, CurrentCaller caller, ErasureReceipts receipts) {
    this.catalog = catalog;
    this.uploads = uploads;
    this.caller = caller;
    this.receipts = receipts;
  }

  @Operation(summary = "Declare a dataset: its columns and types (provider)")
  @APIResponse(responseCode = "201", description = "Declared")
  @APIResponse(responseCode = "400", description = "The body is malformed")
  @APIResponse(responseCode = "403", description = "Not a provider of this collaboration")
  @APIResponse(responseCode = "409", description = "A dataset of that name exists")
  @APIResponse(responseCode = "422", description = "A column name or type is not acceptable")
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
  @Operation(
      summary =
          "Upload a new version of a dataset (its owner): CSV, Parquet or Arrow, streamed and validated, all or nothing")
  @APIResponse(responseCode = "200", description = "The new version")
  @APIResponse(
      responseCode = "400",
      description = "A row does not match the declaration (row and column named, never the value)")
  @APIResponse(responseCode = "403", description = "Not the dataset's owner")
  @APIResponse(responseCode = "404", description = "No such dataset")
  @APIResponse(responseCode = "413", description = "Larger than cleanroom.upload.max-bytes")
  @APIResponse(responseCode = "415", description = "Not CSV, Parquet or Arrow")
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

  /** The dataset's data versions with their row counts, for its owner. */
  @Operation(
      summary = "The data versions of a dataset, newest first, with their row counts (its owner)")
  @APIResponse(responseCode = "200", description = "The versions")
  @APIResponse(responseCode = "403", description = "Not the dataset's owner")
  @APIResponse(responseCode = "404", description = "No such dataset")
  @GET
  @Path("/{dataset}/versions")
  public List<DatasetCatalog.DataVersionView> versions(
      @PathParam("collaboration") String collaboration, @PathParam("dataset") String datasetName) {
    // Another party's exact row count changes with one person of it.
    return catalog.versions(ownedDataset(collaboration, datasetName, "versions"));
  }

  /** The receipts of a dataset's erasures, for its owner; they name no person. */
  @Operation(summary = "The erasure receipts of a dataset, newest first (its owner)")
  @APIResponse(responseCode = "200", description = "The receipts")
  @APIResponse(responseCode = "403", description = "Not the dataset's owner")
  @APIResponse(responseCode = "404", description = "No such dataset")
  @GET
  @Path("/{dataset}/erasures")
  public List<ErasureReceipts.ErasureReceipt> erasures(
      @PathParam("collaboration") String collaboration, @PathParam("dataset") String datasetName) {
    return receipts.all(ownedDataset(collaboration, datasetName, "erasures"));
  }

  /** One erasure receipt, for the dataset's owner. */
  @Operation(summary = "One erasure receipt of a dataset (its owner)")
  @APIResponse(responseCode = "200", description = "The receipt")
  @APIResponse(responseCode = "403", description = "Not the dataset's owner")
  @APIResponse(responseCode = "404", description = "No such dataset or receipt")
  @GET
  @Path("/{dataset}/erasures/{receipt}")
  public ErasureReceipts.ErasureReceipt erasure(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      @PathParam("receipt") String receipt) {
    Dataset dataset = ownedDataset(collaboration, datasetName, "erasures");
    return receipts
        .find(dataset, receipt)
        .orElseThrow(
            () ->
                ServerException.notFound(
                    "that erasure receipt of dataset '" + dataset.name() + "'"));
  }

  /** The caller's own dataset, or 403 saying that only its owner sees its {@code what}. */
  private Dataset ownedDataset(String collaboration, String datasetName, String what) {
    Caller provider = caller.get().require(collaboration, Role.PROVIDER);
    Dataset dataset = catalog.require(provider.collaborationId(), datasetName);
    if (provider.memberId() != dataset.ownerId()) {
      throw ServerException.forbidden(
          "only the owner of dataset '" + dataset.name() + "' sees its " + what);
    }
    return dataset;
  }

  /**
   * Removes every row of one person (an erasure request) in a new version, with the identifier in
   * the body rather than in the URL.
   */
  @Operation(
      summary =
          "Erase every row of one person, in a new version, and delete the older versions that"
              + " held them (its owner); the identifier in the body")
  @APIResponse(
      responseCode = "200",
      description =
          "The erasure receipt: the new version, the rows removed, the older versions removed")
  @APIResponse(responseCode = "400", description = "Malformed body or identifier")
  @APIResponse(responseCode = "403", description = "Not the dataset's owner")
  @APIResponse(responseCode = "404", description = "No such dataset")
  @APIResponse(
      responseCode = "409",
      description = "The dataset has no data or no approved policy naming its privacy unit")
  @POST
  @Path("/{dataset}/erasures")
  @Consumes(MediaType.APPLICATION_JSON)
  public DataUploads.ErasureOutcome eraseSubject(
      @PathParam("collaboration") String collaboration,
      @PathParam("dataset") String datasetName,
      ErasureRequest request) {
    Caller provider = caller.get().require(collaboration, Role.PROVIDER);
    Dataset dataset = catalog.require(provider.collaborationId(), datasetName);
    return uploads.erase(provider, dataset, Bodies.require(request).identifier());
  }

  /** The person to erase: the value of the dataset's privacy unit column that is theirs. */
  @Schema(description = "The person to erase", example = "{\"identifier\": \"42\"}")
  public record ErasureRequest(String identifier) {
    public ErasureRequest {
      SubjectIdentifier.require("identifier", identifier);
    }
  }

  /** Removes every row of one privacy unit (an erasure request) in a new version. */
  @Operation(summary = "Erase every row of one privacy unit, in a new version (its owner)")
  @APIResponse(
      responseCode = "200",
      description =
          "The erasure receipt: the new version, the rows removed, the older versions removed")
  @APIResponse(responseCode = "403", description = "Not the dataset's owner")
  @APIResponse(responseCode = "404", description = "No such dataset")
  @APIResponse(
      responseCode = "409",
      description = "The dataset has no data or no approved policy naming its privacy unit")
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
