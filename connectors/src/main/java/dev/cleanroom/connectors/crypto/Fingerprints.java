package dev.cleanroom.connectors.crypto;

import java.util.regex.Pattern;

/**
 * The text form of a join-key fingerprint: {@code fp1:} followed by the 64 lower-case hex digits of
 * an HMAC-SHA256. The upload check uses {@link #looksLikeFingerprint(String)}.
 */
public final class Fingerprints {
  public static final String PREFIX = "fp1:";
  public static final int HEX_DIGITS = 64;
  private static final Pattern FORMAT = Pattern.compile("fp1:[0-9a-f]{64}");

  private Fingerprints() {}

  public static boolean looksLikeFingerprint(String text) {
    return text != null && FORMAT.matcher(text).matches();
  }
}
