package dev.cleanroom.connectors.crypto;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.nio.charset.StandardCharsets;

/**
 * The secret the members of one collaboration share out of band; fingerprint keys are derived from
 * it. The server never holds it. At least 16 bytes (UTF-8 text as given, not trimmed of inner
 * characters; surrounding whitespace and a final newline of a secret file are removed).
 */
public final class SharedSecret extends SecretBytes {
  public static final int MIN_LENGTH = 16;

  private SharedSecret(byte[] bytes) {
    super(bytes, 0, "shared secret");
    if (bytes.length < MIN_LENGTH) {
      throw new ConnectorException(
          ConnectorErrorCode.KEY_ERROR,
          "shared secret must be at least " + MIN_LENGTH + " bytes, got " + bytes.length);
    }
  }

  public static SharedSecret fromText(String text) {
    if (text == null) {
      throw new ConnectorException(ConnectorErrorCode.KEY_ERROR, "shared secret is missing");
    }
    return new SharedSecret(text.strip().getBytes(StandardCharsets.UTF_8));
  }
}
