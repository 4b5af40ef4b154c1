package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A data key encrypted under a master key, with the id of that master key. Its text form is {@code
 * masterKeyId:base64(nonce || ciphertext || tag)}.
 */
public record WrappedKey(String masterKeyId, String sealed) {
  private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
  static final int SEALED_BYTES = Nonce.LENGTH + DataKey.LENGTH + AesGcm.TAG_BYTES;

  public WrappedKey {
    requireNonNull(masterKeyId, "masterKeyId is null");
    requireNonNull(sealed, "sealed is null");
    if (!KEY_ID.matcher(masterKeyId).matches()) {
      throw new ConnectorException(ConnectorErrorCode.KEY_ERROR, "malformed master key id");
    }
    if (sealedBytes(sealed).length != SEALED_BYTES) {
      throw new ConnectorException(
          ConnectorErrorCode.KEY_ERROR, "wrapped key must be " + SEALED_BYTES + " bytes");
    }
  }

  public static WrappedKey parse(String text) {
    requireNonNull(text, "text is null");
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new ConnectorException(ConnectorErrorCode.KEY_ERROR, "malformed wrapped key");
    }
    return new WrappedKey(text.substring(0, colon), text.substring(colon + 1).strip());
  }

  public String text() {
    return masterKeyId + ":" + sealed;
  }

  byte[] sealedBytes() {
    return sealedBytes(sealed);
  }

  private static byte[] sealedBytes(String sealed) {
    try {
      return Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new ConnectorException(ConnectorErrorCode.KEY_ERROR, "wrapped key is not base64");
    }
  }
}
