package dev.cleanroom.server.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Clears the way for a PostgreSQL on a data directory whose last server died without stopping its
 * own: called only while holding the directory's lock, so no live server owns what it finds.
 *
 * <p>{@code postmaster.pid} in the data directory names the process id (line 1) and start time
 * (line 3, epoch seconds) of the PostgreSQL that wrote it. That process is stopped only if it is
 * provably that PostgreSQL: a {@code postgres} executable, started when the file says, working in
 * this very directory (its {@code /proc/<pid>/cwd}). A file whose process is gone, or whose id now
 * belongs to another process, is stale and removed, as PostgreSQL would itself if it could tell.
 */
final class StalePostmaster {
  private static final Logger LOG = Logger.getLogger(StalePostmaster.class);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START_TIME_TOLERANCE = Duration.ofSeconds(2);

  /** What a {@code postmaster.pid} file says of the PostgreSQL that wrote it. */
  record PidFile(long pid, Instant started) {}

  private StalePostmaster() {}

  static void clear(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    Optional<PidFile> recorded = read(pidFile);
    if (recorded.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> postmaster = find(recorded.get(), dataDirectory);
    if (postmaster.isEmpty()) {
      LOG.warnf("event=stale_postmaster_file_removed pid=%d", recorded.get().pid());
      Files.deleteIfExists(pidFile);
      return;
    }
    stop(postmaster.get(), dataDirectory);
  }

  /**
   * Stops PostgreSQL with a fast shutdown ({@code SIGINT}, sent by the system's {@code kill}): open
   * sessions are ended and a checkpoint written, so the next start needs no recovery. Where there
   * is no {@code kill} program it falls back to a smart shutdown ({@code SIGTERM}), which Java
   * sends.
   */
  private static void stop(ProcessHandle process, Path dataDirectory) throws IOException {
    LOG.warnf("event=stale_postmaster_stopping pid=%d", process.pid());
    try {
      try {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor(10, TimeUnit.SECONDS);
      } catch (IOException noKillProgram) {
        process.destroy();
      }
      process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new DatabaseDirectoryException(
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
      throw new DatabaseDirectoryException("interrupted while stopping a stale PostgreSQL", e);
    } catch (ExecutionException e) {
      throw new DatabaseDirectoryException("cannot wait for a stale PostgreSQL to stop", e);
    }
    LOG.infof("event=stale_postmaster_stopped pid=%d", process.pid());
  }

  /** The pid file's process id and start time; empty if there is no file or it is not readable. */
  static Optional<PidFile> read(Path pidFile) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (lines.size() < 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new PidFile(
              Long.parseLong(lines.get(0).trim()),
              Instant.ofEpochSecond(Long.parseLong(lines.get(2).trim()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The live PostgreSQL that wrote {@code recorded} and serves {@code dataDirectory}, if any. */
  static Optional<ProcessHandle> find(PidFile recorded, Path dataDirectory) {
    return ProcessHandle.of(recorded.pid())
        .filter(ProcessHandle::isAlive)
        .filter(StalePostmaster::isPostgres)
        .filter(process -> startedAt(process, recorded.started()))
        .filter(process -> worksIn(process, dataDirectory));
  }

  private static boolean isPostgres(ProcessHandle process) {
    return process
        .info()
        .command()
        .map(command -> Path.of(command).getFileName().toString().equals("postgres"))
        .orElse(false);
  }

  private static boolean startedAt(ProcessHandle process, Instant recorded) {
    return process
        .info()
        .startInstant()
        .map(
            started ->
                Duration.between(recorded, started).abs().compareTo(START_TIME_TOLERANCE) <= 0)
        .orElse(false);
  }

  private static boolean worksIn(ProcessHandle process, Path dataDirectory) {
    try {
      return Files.isSameFile(Path.of("/proc", Long.toString(process.pid()), "cwd"), dataDirectory);
    } catch (IOException e) {
      return false;
    }
  }
}
