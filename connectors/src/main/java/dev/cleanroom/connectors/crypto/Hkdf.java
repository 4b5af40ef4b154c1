package dev.cleanroom.connectors.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869): extract with a salt, expand with a purpose label. */
final class Hkdf {
  private Hkdf() {}

  static byte[] derive(SecretBytes inputKey, String salt, String info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(
        new HKDFParameters(
            inputKey.bytes(),
            salt.getBytes(StandardCharsets.UTF_8),
            info.getBytes(StandardCharsets.UTF_8)));
    byte[] output = new byte[length];
    generator.generateBytes(output, 0, length);
    return output;
  }
}
