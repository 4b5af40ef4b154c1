package dev.cleanroom.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which process a {@code postmaster.pid} file may be taken to name: only a live {@code postgres}
 * started when the file says and working in the directory; anything else leaves the file stale.
 * (The real stop is {@code CrashRestartIT}'s.)
 */
class StalePostmasterTest {
  @TempDir Path directory;

  @Test
  void missingShortOrGarbledFile_namesNoProcess() throws IOException {
    Path pidFile = directory.resolve("postmaster.pid");
    assertEquals(Optional.empty(), StalePostmaster.read(pidFile));
    Files.writeString(pidFile, "123\n" + directory + "\n");
    assertEquals(Optional.empty(), StalePostmaster.read(pidFile));
    Files.writeString(pidFile, "not-a-pid\n" + directory + "\n1700000000\n5432\n");
    assertEquals(Optional.empty(), StalePostmaster.read(pidFile));
  }

  @Test
  void fileOfALivePostmaster_isRead() throws IOException {
    Path pidFile = directory.resolve("postmaster.pid");
    Files.writeString(pidFile, "4242\n" + directory + "\n1700000000\n5432\n/tmp\n");
    assertEquals(
        Optional.of(new StalePostmaster.PidFile(4242, Instant.ofEpochSecond(1700000000))),
        StalePostmaster.read(pidFile));
  }

  @Test
  void aLiveProcessThatIsNotPostgres_isNeverTakenForIt() {
    ProcessHandle self = ProcessHandle.current();
    Instant started = self.info().startInstant().orElseThrow();
    // This JVM: alive, started when the file says, but not a postgres.
    assertEquals(
        Optional.empty(),
        StalePostmaster.find(new StalePostmaster.PidFile(self.pid(), started), directory));
  }

  @Test
  void staleFile_naming_anotherLiveProcess_isRemoved_andThatProcessLeftAlone() throws IOException {
    ProcessHandle self = ProcessHandle.current();
    Path pidFile = directory.resolve("postmaster.pid");
    Files.writeString(pidFile, self.pid() + "\n" + directory + "\n1700000000\n5432\n");

    StalePostmaster.clear(directory);

    assertFalse(Files.exists(pidFile), "a file whose process is not its PostgreSQL is stale");
    assertTrue(self.isAlive());
  }
}
