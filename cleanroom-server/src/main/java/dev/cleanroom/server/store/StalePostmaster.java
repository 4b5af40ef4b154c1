package dev.cleanroom.server.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Stops a PostgreSQL left running on a data directory by a server that died without stopping it.
 *
 * <p>Called only while holding the directory's lock, so no live server owns that PostgreSQL. It is
 * found through the {@code postmaster.pid} file PostgreSQL keeps in its data directory (first line
 * the process id, second the data directory), and stopped only if that process is still a {@code
 * postgres} serving this very directory: a file left by a PostgreSQL that died too, or whose
 * process id now belongs to another program, is left to PostgreSQL's own start-up checks.
 *
 * <p>The stop is PostgreSQL's "smart" shutdown ({@code SIGTERM}): it finishes what it was doing and
 * writes a checkpoint, so the next start needs no crash recovery. Sessions of the dead server were
 * closed by the operating system with its sockets, so there is nothing for it to wait for.
 */
final class StalePostmaster {
  private static final Logger LOG = Logger.getLogger(StalePostmaster.class);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private StalePostmaster() {}

  static void stopIfRunning(Path dataDirectory) throws IOException {
    Optional<ProcessHandle> postmaster = find(dataDirectory);
    if (postmaster.isEmpty()) {
      return;
    }
    ProcessHandle process = postmaster.get();
    LOG.warnf(
        "event=stale_postmaster_stopping pid=%d reason=left running by a server that ended without"
            + " stopping it",
        process.pid());
    process.destroy();
    try {
      process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "a PostgreSQL left running by an earlier server (pid "
              + process.pid()
              + ") holds "
              + dataDirectory
              + " and did not stop within "
              + STOP_TIMEOUT.toSeconds()
              + " s; stop it, then start the server again",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping a stale PostgreSQL", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot wait for a stale PostgreSQL to stop", e);
    }
    LOG.infof("event=stale_postmaster_stopped pid=%d", process.pid());
  }

  /** The live {@code postgres} process serving {@code dataDirectory}, if there is one. */
  static Optional<ProcessHandle> find(Path dataDirectory) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (lines.size() < 2) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (!sameDirectory(Path.of(lines.get(1).trim()), dataDirectory)) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(StalePostmaster::isPostgres);
  }

  private static boolean isPostgres(ProcessHandle process) {
    return process
        .info()
        .command()
        .map(command -> Path.of(command).getFileName().toString().equals("postgres"))
        .orElse(false);
  }

  private static boolean sameDirectory(Path recorded, Path expected) {
    try {
      return Files.isSameFile(recorded, expected);
    } catch (IOException e) {
      return false;
    }
  }
}
