package dev.cleanroom.connectors.storage;

import dev.cleanroom.connectors.crypto.MasterKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * Rotates a store's master key from the key in {@code args[1]} to the key in {@code args[2]},
 * reporting each re-wrapped key file on standard output and pausing after the {@code args[3]}th, so
 * {@link KilledRotationTest} can kill the process between two files.
 */
public final class KilledRotation {
  private KilledRotation() {}

  public static void main(String[] args) {
    MasterKey oldKey = MasterKey.fromFile(Path.of(args[1]));
    MasterKey newKey = MasterKey.fromFile(Path.of(args[2]));
    DatasetStore store =
        new DatasetStore(
            Path.of(args[0]), new MasterKeyRing(newKey, List.of(oldKey)), new SecureRandom());
    int pauseAfter = Integer.parseInt(args[3]);
    int[] rewrapped = {0};
    store.rotateMasterKey(
        newKey,
        (datasetId, version) -> {
          System.out.println("rewrapped " + ++rewrapped[0]);
          System.out.flush();
          if (rewrapped[0] < pauseAfter) {
            return;
          }
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }
}
