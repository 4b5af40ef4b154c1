package dev.cleanroom.engine.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connect.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSparkConnectTest {
  @TempDir Path work;

  @Test
  void start_answersOnLoopbackWithTheSettings_closeStopsTheProcessTree() throws Exception {
    List<ProcessHandle> tree;
    try (LocalSparkConnect server =
        LocalSparkConnect.start(
            SparkTestRuntime.jarsDirectory(),
            work,
            Map.of("spark.sql.shuffle.partitions", "3"),
            Duration.ofMinutes(2))) {
      assertTrue(server.remote().startsWith("sc://127.0.0.1:"), server.remote());
      SparkSession session = SparkSession.builder().remote(server.remote()).create();
      try {
        assertEquals(4L, session.range(4).count());
        assertEquals("3", session.conf().get("spark.sql.shuffle.partitions"));
        assertEquals("UTC", session.conf().get("spark.sql.session.timeZone"));
        assertEquals("local[2]", session.conf().get("spark.master"));
      } finally {
        session.close();
      }
      assertTrue(Files.size(server.logFile()) > 0, "the server's output goes to its log file");
      assertTrue(server.logFile().startsWith(work));
      tree = new java.util.ArrayList<>();
      ProcessHandle.current()
          .children()
          .forEach(
              child -> {
                tree.add(child);
                child.descendants().forEach(tree::add);
              });
      assertFalse(tree.isEmpty());
    }
    for (ProcessHandle handle : tree) {
      assertFalse(handle.isAlive(), "process " + handle.pid() + " outlived close()");
    }
  }

  @Test
  void start_withoutJars_failsNamingTheDirectory() {
    Path missing = work.resolve("no-jars");
    Exception e =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class,
            () -> LocalSparkConnect.start(missing, work, Map.of(), Duration.ofSeconds(5)));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }
}
