package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Key material of a fixed length, kept inside this package: callers hold typed wrappers and never a
 * bare array, and {@code toString} never prints the bytes.
 */
abstract class SecretBytes {
  private final byte[] bytes;

  SecretBytes(byte[] bytes, int requiredLength, String what) {
    requireNonNull(bytes, what + " is null");
    if (requiredLength > 0 && bytes.length != requiredLength) {
      throw new ConnectorException(
          ConnectorErrorCode.KEY_ERROR,
          what + " must be " + requiredLength + " bytes, got " + bytes.length);
    }
    this.bytes = bytes.clone();
  }

  /** The raw bytes, for use by this package's primitives only; never modify. */
  final byte[] bytes() {
    return bytes;
  }

  final int length() {
    return bytes.length;
  }

  /** Overwrites the bytes; the object is unusable afterwards. */
  public final void destroy() {
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public final boolean equals(Object other) {
    return other != null
        && other.getClass() == getClass()
        && MessageDigest.isEqual(bytes, ((SecretBytes) other).bytes);
  }

  @Override
  public final int hashCode() {
    return getClass().hashCode();
  }

  @Override
  public final String toString() {
    return getClass().getSimpleName() + "[redacted]";
  }
}
