package dev.cleanroom.connectors.storage;

import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.connectors.ingest.DatasetIngestor;
import dev.cleanroom.connectors.ingest.IngestSummary;
import dev.cleanroom.connectors.ingest.UploadFormat;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Streams a generated CSV of a given size through ingest into the encrypted store and prints the
 * peak heap and Arrow memory; run in a JVM with a small heap by {@link LargeUploadMemoryTest}.
 */
public final class LargeUpload {
  private LargeUpload() {}

  public static void main(String[] args) throws Exception {
    long targetBytes = Long.parseLong(args[0]);
    Path directory = Path.of(args[1]);
    SecureRandom random = new SecureRandom();
    DatasetStore store =
        new DatasetStore(directory, MasterKeyRing.of(MasterKey.generate(random)), random);
    DatasetSchema schema = TestDatasets.customers();
    // All four rules, uniqueness of the unit included (checked by an external sort).
    IngestRules rules =
        new IngestRules(
            Set.of("customer_id"),
            Set.of("customer_id"),
            Set.of("email_hash"),
            Set.of("lifetime_spend"),
            targetBytes * 2);
    long started = System.nanoTime();
    IngestSummary summary;
    long arrowPeak;
    try (BufferAllocator root = new RootAllocator()) {
      try (BufferAllocator upload = root.newChildAllocator("upload-large", 0, Long.MAX_VALUE);
          VersionWriter writer = store.beginVersion("large", schema, upload);
          InputStream in = new GeneratedCsv(targetBytes)) {
        summary =
            new DatasetIngestor()
                .ingest(
                    in,
                    UploadFormat.CSV,
                    schema,
                    rules,
                    upload,
                    writer::write,
                    (bytes, rows) -> {});
        writer.commit();
      }
      arrowPeak = root.getPeakMemoryAllocation();
    }
    // The sum of each heap pool's own peak: an upper bound of the heap ever in use at once.
    long peakHeap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    long stored = Files.size(directory.resolve("large").resolve("v0000000001.arrows.enc"));
    System.out.printf(
        "uploadBytes=%d rows=%d storedBytes=%d maxHeapBytes=%d peakHeapBytes=%d"
            + " arrowPeakBytes=%d seconds=%.1f cpuSeconds=%.1f%n",
        summary.bytes(),
        summary.rows(),
        stored,
        Runtime.getRuntime().maxMemory(),
        peakHeap,
        arrowPeak,
        (System.nanoTime() - started) / 1e9,
        ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9);
  }

  /** A CSV of the test declaration, generated row by row so it never exists in memory whole. */
  static final class GeneratedCsv extends InputStream {
    private static final String FP = "fp1:" + "e".repeat(64);
    private final long targetBytes;
    private long produced;
    private long row;
    private byte[] line =
        "customer_id,email_hash,zip,age,lifetime_spend,balance,opted_out,birthday,joined\n"
            .getBytes(StandardCharsets.UTF_8);
    private int position;

    GeneratedCsv(long targetBytes) {
      this.targetBytes = targetBytes;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position == line.length) {
        if (produced >= targetBytes) {
          return -1;
        }
        row++;
        line =
            (row
                    + ","
                    + FP
                    + ",z"
                    + (row % 1000)
                    + ","
                    + (row % 90)
                    + ","
                    + (row % 500)
                    + ".5,"
                    + (row % 100)
                    + ".25,"
                    + (row % 2 == 0)
                    + ",1990-01-01,2024-03-01 10:00:00\n")
                .getBytes(StandardCharsets.UTF_8);
        position = 0;
      }
      int count = Math.min(length, line.length - position);
      System.arraycopy(line, position, buffer, offset, count);
      position += count;
      produced += count;
      return count;
    }
  }
}
