package dev.cleanroom.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * Creating and hashing API keys. A key carries 256 random bits, so a plain SHA-256 is a safe stored
 * form (no password stretching needed) and makes lookups a primary-key read.
 */
public final class ApiKeys {
  /** The demo profile's well-known keys; refused by a server not running that profile. */
  public static final Set<String> DEMO_KEYS =
      Set.of("demo-retailer-key", "demo-advertiser-key", "demo-privacy-key");

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  public static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "crk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hash(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  /** Compares two secrets in time independent of where they differ. */
  public static boolean same(String expected, String given) {
    return MessageDigest.isEqual(sha256(expected), sha256(given));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
