package dev.cleanroom.connectors.storage;

import dev.cleanroom.connectors.crypto.MasterKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Runs the Parquet backfill of the store in {@code args[0]} (Parquet root {@code args[1]}, master
 * key file {@code args[2]}), so {@link KilledBackfillTest} can kill the process while it writes.
 */
public final class KilledBackfill {
  private KilledBackfill() {}

  public static void main(String[] args) {
    MasterKey key = MasterKey.fromFile(Path.of(args[2]));
    try (BufferAllocator allocator = new RootAllocator()) {
      DatasetStore store =
          new DatasetStore(
              Path.of(args[0]),
              MasterKeyRing.of(key),
              new SecureRandom(),
              Path.of(args[1]),
              allocator);
      System.out.println("written " + store.backfillParquet());
    }
  }
}
