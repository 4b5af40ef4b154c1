package dev.cleanroom.benchmarks;

/**
 * A cheap stand-in for the HMAC-SHA256 e-mail fingerprint: 64 hex characters from four 64-bit mixes
 * of the e-mail, so keys are as long and as varied as real fingerprints, for both engines.
 */
final class Fingerprints {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Fingerprints() {}

  static String of(String email) {
    long seed = 0x243F6A8885A308D3L;
    for (int i = 0; i < email.length(); i++) {
      seed = (seed ^ email.charAt(i)) * 0x100000001B3L;
    }
    char[] hex = new char[64];
    for (int word = 0; word < 4; word++) {
      long value = mix(seed + word * 0x9E3779B97F4A7C15L);
      for (int digit = 0; digit < 16; digit++) {
        hex[word * 16 + digit] = HEX[(int) (value >>> (60 - 4 * digit)) & 0xF];
      }
    }
    return new String(hex);
  }

  /**
   * {@link #of} in the server's fingerprint form ({@code fp1:} and the digits), which an upload
   * under a policy with a text join key requires.
   */
  static String inServerForm(String email) {
    return dev.cleanroom.connectors.crypto.Fingerprints.PREFIX + of(email);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
