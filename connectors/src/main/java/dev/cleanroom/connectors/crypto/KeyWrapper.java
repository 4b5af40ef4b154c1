package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Wraps data keys under a master key with AES-256-GCM (random nonce). The context, e.g. the dataset
 * and version a key belongs to, is authenticated, so a wrapped key moved to another file fails.
 */
public final class KeyWrapper {
  private static final String LABEL = "cleanroom/v1/data-key/";

  private final SecureRandom random;

  public KeyWrapper(SecureRandom random) {
    this.random = requireNonNull(random, "random is null");
  }

  public WrappedKey wrap(MasterKey masterKey, DataKey dataKey, String context) {
    requireNonNull(masterKey, "masterKey is null");
    requireNonNull(dataKey, "dataKey is null");
    Nonce nonce = Nonce.random(random);
    byte[] sealed =
        new AesGcm()
            .encrypt(masterKey, nonce, associatedData(context), dataKey.bytes(), 0, DataKey.LENGTH);
    byte[] output = new byte[Nonce.LENGTH + sealed.length];
    System.arraycopy(nonce.bytes(), 0, output, 0, Nonce.LENGTH);
    System.arraycopy(sealed, 0, output, Nonce.LENGTH, sealed.length);
    return new WrappedKey(masterKey.id(), Base64.getEncoder().encodeToString(output));
  }

  public DataKey unwrap(MasterKey masterKey, WrappedKey wrapped, String context) {
    requireNonNull(masterKey, "masterKey is null");
    requireNonNull(wrapped, "wrapped is null");
    if (!masterKey.id().equals(wrapped.masterKeyId())) {
      throw new ConnectorException(
          ConnectorErrorCode.KEY_ERROR,
          "data key is wrapped by master key '"
              + wrapped.masterKeyId()
              + "', not by the configured key '"
              + masterKey.id()
              + "'");
    }
    byte[] sealed = wrapped.sealedBytes();
    Nonce nonce = Nonce.of(Arrays.copyOf(sealed, Nonce.LENGTH));
    byte[] plain =
        new AesGcm()
            .decrypt(
                masterKey,
                nonce,
                associatedData(context),
                sealed,
                Nonce.LENGTH,
                sealed.length - Nonce.LENGTH);
    try {
      return new DataKey(plain);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** Re-wraps a data key under a new master key; the data it protects is untouched. */
  public WrappedKey rewrap(MasterKey oldKey, MasterKey newKey, WrappedKey wrapped, String context) {
    DataKey dataKey = unwrap(oldKey, wrapped, context);
    try {
      return wrap(newKey, dataKey, context);
    } finally {
      dataKey.destroy();
    }
  }

  private static byte[] associatedData(String context) {
    requireNonNull(context, "context is null");
    return (LABEL + context).getBytes(StandardCharsets.UTF_8);
  }
}
