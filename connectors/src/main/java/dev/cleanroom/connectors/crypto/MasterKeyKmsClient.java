package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.crypto.keytools.KmsClient;

/**
 * Parquet's key management client for the server's master keys: wraps the data keys of an encrypted
 * Parquet file with AES-256-GCM under the master key whose {@link MasterKey#id()} is Parquet's
 * master key identifier. Parquet creates it by name (setting {@code
 * parquet.encryption.kms.client.class}) and initialises it from the Hadoop setting {@value
 * #MASTER_KEY_FILES}, so Spark executors read the files with the same key files as the server.
 * Messages name key ids only, never key bytes.
 */
public final class MasterKeyKmsClient implements KmsClient {
  /** Comma-separated paths of base64 master key files; the first is current, the rest retired. */
  public static final String MASTER_KEY_FILES = "cleanroom.master-key-files";

  private static final String LABEL = "cleanroom/v1/parquet-key/";
  private static final int MINIMUM_WRAPPED_BYTES = Nonce.LENGTH + AesGcm.TAG_BYTES;

  private final SecureRandom random = new SecureRandom();
  private volatile List<MasterKey> keys;

  /** Created by Parquet's key tools through reflection, then {@link #initialize}d. */
  public MasterKeyKmsClient() {}

  /**
   * A Hadoop configuration that hands this client {@code keys} in memory (first current) instead of
   * key files: for the server's own writes, whose master key may come from configuration text.
   * Copying the configuration drops the keys.
   */
  public static Configuration holdingKeys(List<MasterKey> keys) {
    return new KeysInMemory(keys);
  }

  /**
   * A Parquet access token naming a list of master keys by their public ids. Parquet's key tools
   * cache one client per token for minutes, so configurations with different keys in one process
   * must use different tokens; the ids are public, and the token is not checked.
   */
  public static String accessToken(List<MasterKey> keys) {
    return "cleanroom-keys:"
        + String.join(",", requireKeys(keys).stream().map(MasterKey::id).toList());
  }

  @Override
  public void initialize(
      Configuration configuration, String kmsInstanceId, String kmsInstanceUrl, String token) {
    requireNonNull(configuration, "configuration is null");
    if (configuration instanceof KeysInMemory held) {
      keys = held.keys;
      return;
    }
    String files = configuration.getTrimmed(MASTER_KEY_FILES, "");
    List<MasterKey> read = new ArrayList<>();
    for (String file : files.split(",")) {
      if (!file.isBlank()) {
        read.add(MasterKey.fromFile(Path.of(file.strip())));
      }
    }
    if (read.isEmpty()) {
      throw new ConnectorException(
          ConnectorErrorCode.KEY_ERROR,
          "Hadoop setting '" + MASTER_KEY_FILES + "' names no master key file");
    }
    keys = List.copyOf(read);
  }

  @Override
  public String wrapKey(byte[] keyBytes, String masterKeyIdentifier) {
    requireNonNull(keyBytes, "keyBytes is null");
    MasterKey masterKey = keyWithId(masterKeyIdentifier);
    Nonce nonce = Nonce.random(random);
    byte[] sealed =
        new AesGcm()
            .encrypt(
                masterKey,
                nonce,
                associatedData(masterKeyIdentifier),
                keyBytes,
                0,
                keyBytes.length);
    byte[] output = new byte[Nonce.LENGTH + sealed.length];
    System.arraycopy(nonce.bytes(), 0, output, 0, Nonce.LENGTH);
    System.arraycopy(sealed, 0, output, Nonce.LENGTH, sealed.length);
    return Base64.getEncoder().encodeToString(output);
  }

  @Override
  public byte[] unwrapKey(String wrappedKey, String masterKeyIdentifier) {
    requireNonNull(wrappedKey, "wrappedKey is null");
    MasterKey masterKey = keyWithId(masterKeyIdentifier);
    byte[] sealed;
    try {
      sealed = Base64.getDecoder().decode(wrappedKey);
    } catch (IllegalArgumentException e) {
      throw new ConnectorException(
          ConnectorErrorCode.KEY_ERROR,
          "Parquet data key under master key '" + masterKeyIdentifier + "' is not base64");
    }
    if (sealed.length <= MINIMUM_WRAPPED_BYTES) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE,
          "Parquet data key under master key '" + masterKeyIdentifier + "' is truncated");
    }
    try {
      return new AesGcm()
          .decrypt(
              masterKey,
              Nonce.of(Arrays.copyOf(sealed, Nonce.LENGTH)),
              associatedData(masterKeyIdentifier),
              sealed,
              Nonce.LENGTH,
              sealed.length - Nonce.LENGTH);
    } catch (ConnectorException e) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE,
          "Parquet data key under master key '" + masterKeyIdentifier + "' failed authentication");
    }
  }

  private MasterKey keyWithId(String id) {
    requireNonNull(id, "masterKeyIdentifier is null");
    List<MasterKey> held = keys;
    if (held == null) {
      throw new IllegalStateException("the KMS client is not initialized");
    }
    for (MasterKey key : held) {
      if (key.id().equals(id)) {
        return key;
      }
    }
    throw new ConnectorException(
        ConnectorErrorCode.KEY_ERROR, "no configured master key has id '" + id + "'");
  }

  /** Binds the wrapped key to its master key id, so that relabelling it fails. */
  private static byte[] associatedData(String masterKeyIdentifier) {
    return (LABEL + masterKeyIdentifier).getBytes(StandardCharsets.UTF_8);
  }

  private static List<MasterKey> requireKeys(List<MasterKey> keys) {
    List<MasterKey> copy = List.copyOf(requireNonNull(keys, "keys is null"));
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("at least one master key is required");
    }
    return copy;
  }

  /** Carries the keys to the client Parquet creates; loads no Hadoop default resources. */
  private static final class KeysInMemory extends Configuration {
    private final List<MasterKey> keys;

    KeysInMemory(List<MasterKey> keys) {
      super(false);
      this.keys = requireKeys(keys);
    }
  }
}
