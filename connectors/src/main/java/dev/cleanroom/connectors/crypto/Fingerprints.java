package dev.cleanroom.connectors.crypto;

/**
 * The text form of a join-key fingerprint: {@code fp1:} followed by the 64 lower-case hex digits of
 * an HMAC-SHA256. The upload check uses {@link #looksLikeFingerprint(byte[], int, int)} on each
 * value's UTF-8 bytes (every character of the form is ASCII, so the bytes have the form exactly
 * when the text has it), without a regular expression: it runs once per row of every upload.
 */
public final class Fingerprints {
  public static final String PREFIX = "fp1:";
  public static final int HEX_DIGITS = 64;

  /** The length of the text form, in characters and in UTF-8 bytes. */
  public static final int LENGTH = PREFIX.length() + HEX_DIGITS;

  // Whether each byte value is a lower-case hex digit.
  private static final boolean[] LOWER_HEX = new boolean[256];

  static {
    for (char c : "0123456789abcdef".toCharArray()) {
      LOWER_HEX[c] = true;
    }
  }

  private Fingerprints() {}

  public static boolean looksLikeFingerprint(String text) {
    if (text == null || text.length() != LENGTH || !text.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < LENGTH; i++) {
      char c = text.charAt(i);
      if (c > 0xFF || !LOWER_HEX[c]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the UTF-8 bytes {@code utf8[from, from + length)} are a fingerprint's text form. */
  public static boolean looksLikeFingerprint(byte[] utf8, int from, int length) {
    if (length != LENGTH) {
      return false;
    }
    for (int i = 0; i < PREFIX.length(); i++) {
      if (utf8[from + i] != PREFIX.charAt(i)) {
        return false;
      }
    }
    boolean hex = true;
    for (int i = from + PREFIX.length(); i < from + LENGTH; i++) {
      hex &= LOWER_HEX[utf8[i] & 0xFF];
    }
    return hex;
  }
}
