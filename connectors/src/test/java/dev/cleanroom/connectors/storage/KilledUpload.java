package dev.cleanroom.connectors.storage;

import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Starts an endless upload into an existing store and reports progress on standard output, so
 * {@link KilledUploadTest} can kill the process in the middle of the write.
 */
public final class KilledUpload {
  private KilledUpload() {}

  public static void main(String[] args) {
    Path directory = Path.of(args[0]);
    MasterKey key = MasterKey.fromFile(Path.of(args[1]));
    DatasetStore store = new DatasetStore(directory, MasterKeyRing.of(key), new SecureRandom());
    IngestProgress progress =
        (bytes, rows) -> {
          System.out.println("progress " + bytes);
          System.out.flush();
        };
    try (BufferAllocator root = new RootAllocator()) {
      store.upload(
          args[2],
          TestDatasets.customers(),
          TestDatasets.customerRules().withMaxUploadBytes(Long.MAX_VALUE),
          UploadFormat.CSV,
          new LargeUpload.GeneratedCsv(Long.MAX_VALUE),
          root,
          progress);
    }
  }
}
