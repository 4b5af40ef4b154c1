package dev.cleanroom.server.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server with its embedded database, killed with {@code kill -9} and started again at
 * once, as the README's run command would be: the PostgreSQL the dead server left running must not
 * keep the new one from starting, and the data must survive.
 */
class CrashRestartIT {
  private static final Duration START = Duration.ofSeconds(120);
  private static final String[] DEMO = {"quarkus.profile=demo"};

  @TempDir Path temp;

  private Path dataDir() {
    return temp.resolve("data");
  }

  @AfterEach
  void stopWhatTheTestLeft() throws IOException, InterruptedException {
    Optional<ProcessHandle> postmaster = postmaster(dataDir());
    if (postmaster.isPresent()) {
      postmaster.get().destroy();
      postmaster.get().onExit().orTimeout(60, TimeUnit.SECONDS).join();
    }
  }

  @Test
  void killedServer_startsAgainAtOnce_withItsData() throws Exception {
    try (ServerProcess first = ServerProcess.start(dataDir(), "first", DEMO)) {
      first.awaitReady(START);
      assertEquals(
          200, first.get("/api/v1/collaborations/demo", "demo-advertiser-key").statusCode());
      ProcessHandle orphan = postmaster(dataDir()).orElseThrow();
      // The demo's uploads were warmed up, and their string encodings kept with each version.
      awaitKeptEncodings(3);

      first.kill();

      // The crash as users meet it: the server is gone, its PostgreSQL still holds the directory.
      assertTrue(orphan.isAlive(), "the killed server's PostgreSQL should outlive it");
      try (ServerProcess second = ServerProcess.start(dataDir(), "second", DEMO)) {
        second.awaitReady(START);

        assertFalse(orphan.isAlive(), "the stale PostgreSQL should have been stopped");
        assertTrue(second.output().contains("event=stale_postmaster_stopped"), second.output());
        // The demo loaded by the first server is still there; the second did not load it again.
        assertEquals(
            200, second.get("/api/v1/collaborations/demo", "demo-advertiser-key").statusCode());
        assertTrue(second.output().contains("event=demo_present"), second.output());
        // The start's warm-up loads the current versions, reading the kept encodings back instead
        // of computing them, and so does a query that comes first.
        HttpResponse<String> reach =
            second.post(
                "/api/v1/collaborations/demo/queries",
                "demo-advertiser-key",
                "{\"sql\": \"SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach"
                    + " FROM advertiser.impressions i JOIN retailer.customers c"
                    + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id\"}");
        assertEquals(200, reach.statusCode(), reach.body());
        assertTrue(second.output().contains("event=dataset_encodings_restored"), second.output());
        assertFalse(second.output().contains("event=dataset_encodings_unusable"), second.output());
      }
    }
    assertTrue(postmaster(dataDir()).isEmpty(), "a stopped server stops its PostgreSQL");
  }

  private void awaitKeptEncodings(int count) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START);
    while (keptEncodings() < count) {
      assertTrue(Instant.now().isBefore(deadline), "encodings kept: " + keptEncodings());
      Thread.sleep(200);
    }
  }

  private long keptEncodings() throws IOException {
    Path datasets = dataDir().resolve("datasets");
    if (!Files.isDirectory(datasets)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(datasets)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".encodings.enc")).count();
    }
  }

  @Test
  void secondServer_onALiveServersDirectory_isRefusedAndLeavesItRunning() throws Exception {
    try (ServerProcess first = ServerProcess.start(dataDir(), "first", DEMO)) {
      first.awaitReady(START);
      ProcessHandle postgres = postmaster(dataDir()).orElseThrow();

      try (ServerProcess second = ServerProcess.start(dataDir(), "second", DEMO)) {
        assertEquals(1, second.awaitExit(START));
        assertTrue(
            second.output().contains("is in use by another running server"), second.output());
      }

      assertTrue(postgres.isAlive(), "the running server's PostgreSQL must be left alone");
      assertEquals(
          200, first.get("/api/v1/collaborations/demo", "demo-advertiser-key").statusCode());
    }
  }

  /** The live PostgreSQL of the server's embedded database, as its {@code postmaster.pid} says. */
  private static Optional<ProcessHandle> postmaster(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").endsWith("/postgres"));
  }
}
