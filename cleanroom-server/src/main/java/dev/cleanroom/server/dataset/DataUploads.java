package dev.cleanroom.server.dataset;

import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.connectors.storage.ErasureResult;
import dev.cleanroom.connectors.storage.StoredVersion;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.UploadChecks;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Uploads and erasures: streamed through the connectors' ingest into a new encrypted version, all
 * or nothing, then recorded in the metadata store and the audit log.
 */
@ApplicationScoped
public class DataUploads {
  private static final Logger LOG = Logger.getLogger(DataUploads.class);

  private final DatasetCatalog catalog;
  private final ApprovedPolicies policies;
  private final DatasetStore store;
  private final BufferAllocator root;
  private final long maxUploadBytes;
  private final Event<DatasetVersionRecorded> versionRecorded;
  private final MeterRegistry metrics;
  private final SubjectFingerprints fingerprints;

  @Inject
  public DataUploads(
      DatasetCatalog catalog,
      ApprovedPolicies policies,
      DatasetStore store,
      BufferAllocator root,
      @ConfigProperty(name = "cleanroom.upload.max-bytes") long maxUploadBytes,
      Event<DatasetVersionRecorded> versionRecorded,
      MeterRegistry metrics,
      SubjectFingerprints fingerprints) {
    this.catalog = catalog;
    this.policies = policies;
    this.store = store;
    this.root = root;
    this.maxUploadBytes = maxUploadBytes;
    this.versionRecorded = versionRecorded;
    this.metrics = metrics;
    this.fingerprints = fingerprints;
  }

  /** Ingests an upload as the dataset's next version; nothing is stored when any row is bad. */
  public Dataset upload(Caller owner, Dataset dataset, InputStream body, String mediaType) {
    requireOwner(owner, dataset);
    UploadFormat format = UploadFormat.fromMediaType(mediaType);
    DatasetSchema schema = dataset.schema();
    String id = dataset.storageId();
    AtomicLong bytesRead = new AtomicLong();
    IngestProgress progress = (bytes, rows) -> bytesRead.set(bytes);
    StoredVersion version;
    try {
      // The rules of the policy in force once no other version is being written: a policy that
      // declares one row per unit is checked against the data and put in force under that lock.
      version =
          store.upload(
              id,
              schema,
              () -> rulesFor(policies.inForceNow(dataset)),
              format,
              body,
              root,
              progress);
    } catch (RuntimeException e) {
      uploaded(owner, dataset, "refused", bytesRead.get());
      throw e;
    }
    uploaded(owner, dataset, "stored", bytesRead.get());
    LOG.infof(
        "event=upload_stored dataset=%s version=%d rows=%d",
        dataset.table(), version.version(), version.rows());
    Dataset updated =
        catalog.recordVersion(
            dataset, Math.toIntExact(version.version()), id, version.rows(), "UPLOAD", owner);
    versionRecorded.fire(
        new DatasetVersionRecorded(
            id, dataset.collaborationId(), version.version(), policies.inForceNow(dataset)));
    return updated;
  }

  /**
   * Metrics: {@code cleanroom.uploads} counts uploads and {@code cleanroom.upload.bytes} their
   * bytes as read by the ingest (up to its last batch), by {@code collaboration}, {@code dataset}
   * and {@code outcome} (stored, refused).
   */
  private void uploaded(Caller owner, Dataset dataset, String outcome, long bytes) {
    String[] tags = {
      "collaboration", owner.collaboration(), "dataset", dataset.table(), "outcome", outcome
    };
    metrics.counter("cleanroom.uploads", tags).increment();
    metrics.counter("cleanroom.upload.bytes", tags).increment(bytes);
  }

  /** Writes a new version without any row of one privacy unit (an erasure request). */
  public ErasureOutcome erase(Caller owner, Dataset dataset, String unitValue) {
    requireOwner(owner, dataset);
    if (dataset.currentVersion() == null) {
      throw new ServerException(
          ServerErrorCode.CONFLICT, "dataset '" + dataset.name() + "' has no data yet");
    }
    DatasetPolicy policy =
        policies
            .current(dataset)
            .orElseThrow(
                () ->
                    new ServerException(
                        ServerErrorCode.CONFLICT,
                        "dataset '"
                            + dataset.name()
                            + "' has no approved policy naming its privacy unit"));
    String unit = unitColumn(policy, dataset);
    ErasureResult result = store.erase(dataset.storageId(), unit, unitValue, root);
    // The store accepted the value for the column's type, so it has a canonical form.
    String subject =
        fingerprints.fingerprint(
            dataset, SubjectFingerprints.canonical(dataset, unit, unitValue).orElseThrow());
    DatasetCatalog.RecordedErasure recorded =
        catalog.recordErasure(
            dataset,
            Math.toIntExact(result.version().version()),
            dataset.storageId(),
            result.version().rows(),
            result.rowsRemoved(),
            result.versionsRemoved(),
            subject,
            owner);
    // The erased rows must not be answered from a version kept in memory.
    versionRecorded.fire(
        new DatasetVersionRecorded(
            dataset.storageId(),
            dataset.collaborationId(),
            result.version().version(),
            Optional.of(policy)));
    return new ErasureOutcome(
        recorded.dataset().currentVersion(),
        result.rowsRemoved(),
        result.versionsRemoved().stream().map(Math::toIntExact).toList(),
        recorded.receipt(),
        recorded.erasedAt());
  }

  /**
   * The answer to an erasure: its receipt.
   *
   * @param version the version written without the person
   * @param rowsRemoved the person's rows in the version before it
   * @param versionsRemoved the older versions removed from storage because they held the person
   * @param receipt the receipt's id, by which the erasure is found again (a subject lookup lists it
   *     too)
   */
  public record ErasureOutcome(
      int version,
      long rowsRemoved,
      List<Integer> versionsRemoved,
      String receipt,
      Instant erasedAt) {}

  /** What an upload must satisfy beyond its types, derived from the policy in force (if any). */
  IngestRules rulesFor(Optional<DatasetPolicy> policy) {
    if (policy.isEmpty()) {
      return IngestRules.none().withMaxUploadBytes(maxUploadBytes);
    }
    UploadChecks checks = UploadChecks.of(policy.get());
    return new IngestRules(
        checks.nonNullColumns(),
        checks.uniqueColumns(),
        checks.fingerprintColumns(),
        checks.finiteColumns(),
        maxUploadBytes);
  }

  private static String unitColumn(DatasetPolicy policy, Dataset dataset) {
    return SubjectFingerprints.subjectColumn(dataset, policy)
        .orElseThrow(
            () ->
                new ServerException(
                    ServerErrorCode.CONFLICT,
                    "the approved policy of dataset '"
                        + dataset.name()
                        + "' names no privacy unit column, nor a join key linked to one"));
  }

  private static void requireOwner(Caller caller, Dataset dataset) {
    if (caller.memberId() != dataset.ownerId()) {
      throw ServerException.forbidden(
          "only the owner of dataset '" + dataset.name() + "' may change its data");
    }
  }
}
