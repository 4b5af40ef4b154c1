package dev.cleanroom.connectors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upload ten times the heap streams through ingest and the encrypted store. */
class LargeUploadMemoryTest {
  private static final long HEAP_BYTES = 24L << 20;
  private static final long UPLOAD_BYTES = 10 * HEAP_BYTES;

  @TempDir Path directory;

  @Test
  void uploadTenTimesTheHeap_isStoredWithBoundedMemory() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx" + (HEAP_BYTES >> 20) + "m",
                    "-Djava.io.tmpdir=" + directory,
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LargeUpload.class.getName(),
                    Long.toString(UPLOAD_BYTES),
                    directory.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the upload did not finish");
    assertEquals(0, process.exitValue(), output);
    System.out.println("large upload: " + output.strip());

    Matcher upload = Pattern.compile("uploadBytes=(\\d+)").matcher(output);
    Matcher arrow = Pattern.compile("arrowPeakBytes=(\\d+)").matcher(output);
    assertTrue(upload.find() && arrow.find(), output);
    assertTrue(Long.parseLong(upload.group(1)) >= UPLOAD_BYTES);
    // One batch of 4096 rows in Arrow, plus the writer's view of it: a few MiB at most.
    assertTrue(Long.parseLong(arrow.group(1)) < 16L << 20, output);
  }
}
