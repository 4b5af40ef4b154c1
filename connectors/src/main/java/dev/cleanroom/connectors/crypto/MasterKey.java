package dev.cleanroom.connectors.crypto;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The server's AES-256 key-encryption key, given as base64 text in configuration or in a key file.
 * Its {@link #id()} is a public, one-way label recorded next to each wrapped key.
 */
public final class MasterKey extends SecretBytes {
  public static final int LENGTH = 32;
  private static final byte[] ID_LABEL =
      "cleanroom/v1/master-key-id".getBytes(StandardCharsets.US_ASCII);

  private final String id;

  private MasterKey(byte[] bytes) {
    super(bytes, LENGTH, "master key");
    SHA256Digest digest = new SHA256Digest();
    digest.update(ID_LABEL, 0, ID_LABEL.length);
    digest.update(bytes, 0, bytes.length);
    byte[] hash = new byte[digest.getDigestSize()];
    digest.doFinal(hash, 0);
    this.id = HexFormat.of().formatHex(hash, 0, 8);
  }

  /** Reads a key from base64 text (standard alphabet, 32 bytes decoded). */
  public static MasterKey fromBase64(String text) {
    if (text == null || text.isBlank()) {
      throw new ConnectorException(ConnectorErrorCode.KEY_ERROR, "master key is missing");
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new ConnectorException(ConnectorErrorCode.KEY_ERROR, "master key is not valid base64");
    }
    return new MasterKey(decoded);
  }

  /** Reads a key file holding the key as base64 text. */
  public static MasterKey fromFile(Path file) {
    try {
      return fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new ConnectorException(
          ConnectorErrorCode.KEY_ERROR, "cannot read master key file '" + file + "'", e);
    }
  }

  public static MasterKey generate(SecureRandom random) {
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    return new MasterKey(bytes);
  }

  /** The key as base64 text, for writing a new key file. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(bytes());
  }

  /** A public label of this key (the first 8 bytes of a labelled SHA-256 of it, as hex). */
  public String id() {
    return id;
  }
}
