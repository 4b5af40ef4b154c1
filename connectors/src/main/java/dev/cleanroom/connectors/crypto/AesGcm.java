package dev.cleanroom.connectors.crypto;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** AES-256-GCM with a 128-bit tag; one instance per thread of use. */
final class AesGcm {
  static final int TAG_BYTES = 16;

  private final GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());

  /** Encrypts {@code length} bytes of {@code input}, returning ciphertext followed by the tag. */
  byte[] encrypt(
      SecretBytes key, Nonce nonce, byte[] associatedData, byte[] input, int offset, int length) {
    cipher.init(true, parameters(key, nonce, associatedData));
    byte[] output = new byte[cipher.getOutputSize(length)];
    int written = cipher.processBytes(input, offset, length, output, 0);
    try {
      cipher.doFinal(output, written);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("GCM encryption cannot fail to authenticate", e);
    }
    return output;
  }

  /**
   * Decrypts and authenticates; fails with {@code INTEGRITY_FAILURE} on a wrong key, nonce,
   * associated data or any changed byte, and releases no plaintext in that case.
   */
  byte[] decrypt(
      SecretBytes key, Nonce nonce, byte[] associatedData, byte[] input, int offset, int length) {
    if (length < TAG_BYTES) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE, "encrypted block is shorter than its tag");
    }
    cipher.init(false, parameters(key, nonce, associatedData));
    byte[] output = new byte[cipher.getOutputSize(length)];
    int written = cipher.processBytes(input, offset, length, output, 0);
    try {
      cipher.doFinal(output, written);
    } catch (InvalidCipherTextException e) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE, "authentication tag mismatch");
    }
    return output;
  }

  private static AEADParameters parameters(SecretBytes key, Nonce nonce, byte[] associatedData) {
    return new AEADParameters(
        new KeyParameter(key.bytes()), TAG_BYTES * 8, nonce.bytes(), associatedData);
  }
}
