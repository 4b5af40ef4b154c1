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

  /** What every generated key starts with. */
  public static final String KEY_START = "crk_";

  /** Characters of a generated key after {@link #KEY_START} that its prefix keeps (48 bits). */
  static final int PREFIX_CHARACTERS = 8;

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  public static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return KEY_START + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * The public name of a key, shown in listings and audit events: a generated key's first {@value
   * #PREFIX_CHARACTERS} random characters after {@code crk_} (48 of its 256 bits, so the other 208
   * still cannot be guessed), or for any other key (the demo's, keys made before prefixes) {@code
   * sha_} and the start of its hash, which tells nothing about the key.
   */
  public static String prefixOf(String key) {
    if (key.startsWith(KEY_START) && key.length() > KEY_START.length() + PREFIX_CHARACTERS) {
      return key.substring(0, KEY_START.length() + PREFIX_CHARACTERS);
    }
    return "sha_" + hash(key).substring(0, 8);
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
