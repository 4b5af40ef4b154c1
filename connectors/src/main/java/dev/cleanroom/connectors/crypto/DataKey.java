package dev.cleanroom.connectors.crypto;

import java.security.SecureRandom;

/** A fresh AES-256 key for one stored file; stored only wrapped by the master key. */
public final class DataKey extends SecretBytes {
  public static final int LENGTH = 32;

  DataKey(byte[] bytes) {
    super(bytes, LENGTH, "data key");
  }

  public static DataKey generate(SecureRandom random) {
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    return new DataKey(bytes);
  }
}
