package dev.cleanroom.server.admin;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.connectors.storage.MasterKeyRing;
import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Re-wraps every dataset version's data key under the current master key, leaving data files
 * untouched. The previous keys ({@code cleanroom.master-key.previous-files}) keep unwrapping what
 * is not re-wrapped yet, so a rotation interrupted by a crash is finished by running it again; the
 * operator retires them once {@link RotationStatus#complete()} says every key file is under the
 * current key. Each run is recorded in every collaboration's audit log, since it concerns every
 * collaboration's data.
 */
@ApplicationScoped
public class MasterKeyRotation {
  private static final Logger LOG = Logger.getLogger(MasterKeyRotation.class);

  /** After ProductionSafety (0), before observers without a priority (2500). */
  private static final int AFTER_PRODUCTION_SAFETY = 2100;

  private final DatasetStore store;
  private final Jdbc jdbc;
  private final boolean rotateAtStart;
  private final ReentrantLock running = new ReentrantLock();

  @Inject
  public MasterKeyRotation(
      DatasetStore store,
      Jdbc jdbc,
      @ConfigProperty(name = "cleanroom.master-key.rotate-at-start") boolean rotateAtStart) {
    this.store = requireNonNull(store, "store is null");
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.rotateAtStart = rotateAtStart;
  }

  /**
   * Where the store stands: how many key files are under which master key id.
   *
   * @param previousKeyIds the configured previous keys, still accepted for unwrapping
   * @param keyFiles per master key id, the number of dataset versions whose data key it wraps
   * @param keyFilesToRewrap key files not yet under the current key
   * @param unavailableKeyIds key ids some key files are under that no configured key has: those
   *     versions cannot be read or re-wrapped until that key is configured again
   * @param complete every key file is under the current key: the previous keys may be retired
   * @param running a rotation is under way now
   */
  public record RotationStatus(
      String currentKeyId,
      List<String> previousKeyIds,
      Map<String, Long> keyFiles,
      long keyFilesToRewrap,
      List<String> unavailableKeyIds,
      boolean complete,
      boolean running) {}

  /**
   * What one run did.
   *
   * @param rewrapped key files re-wrapped by this run
   */
  public record RotationRun(int rewrapped, RotationStatus status) {}

  public RotationStatus status() {
    MasterKeyRing ring = store.keys();
    Map<String, Long> keyFiles = store.keyFilesByMasterKey();
    List<String> previous = ring.retired().stream().map(MasterKey::id).toList();
    long toRewrap = 0;
    List<String> unavailable = new ArrayList<>();
    for (Map.Entry<String, Long> entry : keyFiles.entrySet()) {
      if (entry.getKey().equals(ring.current().id())) {
        continue;
      }
      toRewrap += entry.getValue();
      if (!previous.contains(entry.getKey())) {
        unavailable.add(entry.getKey());
      }
    }
    return new RotationStatus(
        ring.current().id(),
        previous,
        keyFiles,
        toRewrap,
        unavailable,
        toRewrap == 0,
        running.isLocked());
  }

  /**
   * Re-wraps every key file not under the current key. Refused while another run is under way, and
   * before anything is touched when some key file is under a key that is not configured.
   */
  public RotationRun rotate(String actor) {
    if (!running.tryLock()) {
      throw new ServerException(
          ServerErrorCode.CONFLICT, "a master key rotation is under way already");
    }
    try {
      RotationStatus before = status();
      if (!before.unavailableKeyIds().isEmpty()) {
        throw new ServerException(
            ServerErrorCode.CONFLICT,
            "key files are wrapped under master key ids "
                + before.unavailableKeyIds()
                + " that no configured key has: add those keys to"
                + " cleanroom.master-key.previous-files and start the server again");
      }
      AtomicInteger rewrapped = new AtomicInteger();
      try {
        store.rotateMasterKey(
            store.keys().current(), (datasetId, version) -> rewrapped.incrementAndGet());
      } catch (RuntimeException e) {
        LOG.errorf(e, "event=master_key_rotation_failed rewrapped=%d", rewrapped.get());
        audit(actor, before, status(), "FAILED");
        throw new ServerException(
            ServerErrorCode.INTERNAL,
            "the master key rotation stopped after re-wrapping "
                + rewrapped.get()
                + " key files; what it re-wrapped stays re-wrapped, run it again",
            e);
      }
      RotationStatus after = status();
      audit(actor, before, after, after.complete() ? "SUCCESS" : "INCOMPLETE");
      LOG.infof(
          "event=master_key_rotation rewrapped=%d complete=%b current=%s",
          rewrapped.get(), after.complete(), after.currentKeyId());
      return new RotationRun(rewrapped.get(), after);
    } finally {
      running.unlock();
    }
  }

  /** Finishes a rotation at start-up when key files are under a previous key. */
  void onStart(@Observes @Priority(AFTER_PRODUCTION_SAFETY) StartupEvent event) {
    if (!rotateAtStart) {
      return;
    }
    RotationStatus status;
    try {
      status = status();
    } catch (RuntimeException e) {
      // A store the count cannot read (a stray directory, a missing key file) fails the queries of
      // what it holds, not the server's start.
      LOG.errorf("event=master_key_status_failed reason=%s", e.getClass().getSimpleName());
      return;
    }
    if (!status.unavailableKeyIds().isEmpty()) {
      LOG.errorf(
          "event=master_key_unavailable keyIds=%s note=those versions cannot be read; configure"
              + " their keys in cleanroom.master-key.previous-files",
          status.unavailableKeyIds());
      return;
    }
    if (!status.complete()) {
      try {
        rotate("server");
      } catch (RuntimeException e) {
        // Logged and audited; the previous keys still read what is left, and the operator can
        // finish through POST /api/v1/admin/master-key/rotation.
        LOG.errorf("event=master_key_rotation_at_start_failed reason=\"%s\"", e.getMessage());
      }
    }
  }

  /**
   * One event in every collaboration's chain, in one transaction. It names the keys and whether the
   * rotation is complete, not how many key files it re-wrapped: those are counted over every
   * collaboration's datasets, which no one collaboration may learn (the server log has them).
   */
  private void audit(String actor, RotationStatus before, RotationStatus after, String outcome) {
    String detail =
        "currentKeyId="
            + after.currentKeyId()
            + " previousKeyIds="
            + String.join(",", before.previousKeyIds())
            + " complete="
            + after.complete();
    jdbc.inTransaction(
        connection -> {
          List<Long> collaborations = new ArrayList<>();
          try (PreparedStatement statement =
                  connection.prepareStatement("select id from collaboration order by id");
              ResultSet row = statement.executeQuery()) {
            while (row.next()) {
              collaborations.add(row.getLong(1));
            }
          }
          for (long collaborationId : collaborations) {
            AuditLog.append(
                connection,
                collaborationId,
                new AuditEntry(actor, "MASTER_KEY_ROTATED", List.of(), detail, null, outcome));
          }
          return null;
        });
  }
}
