package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HMAC-SHA256 under a server-held key of a label and some parts, each part preceded by its length
 * in bytes (4 bytes, big-endian) so that no two lists of parts hash the same input: the keyed
 * fingerprints the server keeps in place of a value (the person an erasure receipt is about).
 */
public final class KeyedHash {
  /** The smallest key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 32;

  private KeyedHash() {}

  /** The hash of {@code label} and {@code parts} (UTF-8) under {@code key}, as 64 hex digits. */
  public static String hex(byte[] key, String label, String... parts) {
    requireNonNull(key, "key is null");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the key has fewer than " + MIN_KEY_BYTES + " bytes");
    }
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    update(mac, requireNonNull(label, "label is null"));
    for (String part : parts) {
      update(mac, requireNonNull(part, "a part is null"));
    }
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return HexFormat.of().formatHex(out);
  }

  private static void update(HMac mac, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] length = ByteBuffer.allocate(4).putInt(bytes.length).array();
    mac.update(length, 0, length.length);
    mac.update(bytes, 0, bytes.length);
  }
}
