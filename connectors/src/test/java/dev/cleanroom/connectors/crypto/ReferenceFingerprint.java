package dev.cleanroom.connectors.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A second, independent implementation of the fingerprint (JDK HMAC, HKDF written out per RFC
 * 5869), so the published vectors are checked by code that shares nothing with Bouncy Castle.
 */
final class ReferenceFingerprint {
  private ReferenceFingerprint() {}

  static String fingerprint(
      String secret, String collaborationId, String joinKeyName, String normalized) {
    byte[] ikm = secret.strip().getBytes(StandardCharsets.UTF_8);
    byte[] prk = hmac(collaborationId.getBytes(StandardCharsets.UTF_8), ikm);
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.writeBytes(("cleanroom/v1/join-key/" + joinKeyName).getBytes(StandardCharsets.UTF_8));
    info.write(1);
    byte[] key = hmac(prk, info.toByteArray()); // one HKDF-Expand block is the 32-byte key
    return "fp1:"
        + HexFormat.of().formatHex(hmac(key, normalized.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
