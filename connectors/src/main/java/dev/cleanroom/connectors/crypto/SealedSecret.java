package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A secret sealed for Spark: AES-256-GCM under a key derived (HKDF, info {@value #INFO}) from a
 * master key, so that a plan can carry it and only a process holding the master key files reads it.
 * The sealed form is a format byte, the master key id (its length, then ASCII), a random nonce,
 * then the ciphertext and tag; the id is authenticated. Messages name key ids only.
 */
public final class SealedSecret {
  /**
   * The Spark setting naming the master key files (comma-separated paths of base64 key files, the
   * first current, the rest retired), the format of the server's {@code cleanroom.master-key-file}.
   */
  public static final String SPARK_MASTER_KEY_FILES = "spark.cleanroom.master-key-files";

  static final String INFO = "cleanroom/v1/spark-sealed-secret";
  private static final String SALT = "cleanroom/v1";
  private static final byte FORMAT = 1;
  private static final int DERIVED_KEY_BYTES = 32;

  private SealedSecret() {}

  /** Seals {@code secret} under {@code masterKey} with a fresh random nonce. */
  public static byte[] seal(MasterKey masterKey, byte[] secret, SecureRandom random) {
    requireNonNull(masterKey, "masterKey is null");
    requireNonNull(secret, "secret is null");
    requireNonNull(random, "random is null");
    byte[] id = masterKey.id().getBytes(StandardCharsets.US_ASCII);
    Nonce nonce = Nonce.random(random);
    DerivedKey key = DerivedKey.of(masterKey);
    byte[] sealed;
    try {
      sealed = new AesGcm().encrypt(key, nonce, associatedData(id), secret, 0, secret.length);
    } finally {
      key.destroy();
    }
    byte[] output = new byte[2 + id.length + Nonce.LENGTH + sealed.length];
    output[0] = FORMAT;
    output[1] = (byte) id.length;
    System.arraycopy(id, 0, output, 2, id.length);
    System.arraycopy(nonce.bytes(), 0, output, 2 + id.length, Nonce.LENGTH);
    System.arraycopy(sealed, 0, output, 2 + id.length + Nonce.LENGTH, sealed.length);
    return output;
  }

  /**
   * Unseals with the key among {@code masterKeys} whose id the sealed form names; fails with {@code
   * KEY_ERROR} if none has it and with {@code INTEGRITY_FAILURE} if the bytes do not authenticate.
   */
  public static byte[] unseal(byte[] sealed, List<MasterKey> masterKeys) {
    requireNonNull(sealed, "sealed is null");
    requireNonNull(masterKeys, "masterKeys is null");
    if (sealed.length < 2 || sealed[0] != FORMAT) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE, "the sealed secret has an unknown format");
    }
    int idLength = sealed[1] & 0xff;
    int body = 2 + idLength + Nonce.LENGTH;
    if (sealed.length < body + AesGcm.TAG_BYTES) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE, "the sealed secret is truncated");
    }
    byte[] id = Arrays.copyOfRange(sealed, 2, 2 + idLength);
    String keyId = new String(id, StandardCharsets.US_ASCII);
    MasterKey masterKey =
        masterKeys.stream()
            .filter(candidate -> candidate.id().equals(keyId))
            .findFirst()
            .orElseThrow(
                () ->
                    new ConnectorException(
                        ConnectorErrorCode.KEY_ERROR,
                        "the sealed secret is under master key '"
                            + keyId
                            + "', which is not configured"));
    DerivedKey key = DerivedKey.of(masterKey);
    try {
      return new AesGcm()
          .decrypt(
              key,
              Nonce.of(Arrays.copyOfRange(sealed, 2 + idLength, body)),
              associatedData(id),
              sealed,
              body,
              sealed.length - body);
    } catch (ConnectorException e) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE,
          "the sealed secret failed authentication under master key '" + keyId + "'");
    } finally {
      key.destroy();
    }
  }

  /** Reads the master key files of {@link #SPARK_MASTER_KEY_FILES}'s value, in order. */
  public static List<MasterKey> keysFromFiles(String commaSeparatedPaths) {
    requireNonNull(commaSeparatedPaths, "commaSeparatedPaths is null");
    List<MasterKey> keys = new ArrayList<>();
    for (String file : commaSeparatedPaths.split(",")) {
      if (!file.isBlank()) {
        keys.add(MasterKey.fromFile(Path.of(file.strip())));
      }
    }
    if (keys.isEmpty()) {
      throw new ConnectorException(
          ConnectorErrorCode.KEY_ERROR,
          "Spark setting '" + SPARK_MASTER_KEY_FILES + "' names no master key file");
    }
    return List.copyOf(keys);
  }

  private static byte[] associatedData(byte[] keyId) {
    byte[] label = (INFO + "/").getBytes(StandardCharsets.US_ASCII);
    byte[] data = Arrays.copyOf(label, label.length + keyId.length);
    System.arraycopy(keyId, 0, data, label.length, keyId.length);
    return data;
  }

  /** The AES key derived from a master key for sealed secrets only. */
  private static final class DerivedKey extends SecretBytes {
    private DerivedKey(byte[] bytes) {
      super(bytes, DERIVED_KEY_BYTES, "sealing key");
    }

    static DerivedKey of(MasterKey masterKey) {
      byte[] derived = Hkdf.derive(masterKey, SALT, INFO, DERIVED_KEY_BYTES);
      try {
        return new DerivedKey(derived);
      } finally {
        Arrays.fill(derived, (byte) 0);
      }
    }
  }
}
