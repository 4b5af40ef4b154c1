package dev.cleanroom.connectors.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.ingest.CsvRecordReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FingerprinterTest {
  private static final SharedSecret SECRET = SharedSecret.fromText("a-secret-both-parties-share");

  @Test
  void publishedVectors_matchThisAndAnIndependentImplementation() throws Exception {
    int checked = 0;
    try (Reader reader =
        new InputStreamReader(
            TestDatasets.resource("fingerprint-test-vectors.csv"), StandardCharsets.UTF_8)) {
      CsvRecordReader records = new CsvRecordReader(reader);
      assertEquals(
          List.of(
              "join_key_name", "collaboration_id", "secret", "input", "normalized", "fingerprint"),
          records.next());
      List<String> vector;
      while ((vector = records.next()) != null) {
        String name = vector.get(0);
        String collaboration = vector.get(1);
        String secret = vector.get(2);
        String input = vector.get(3);
        String normalized = vector.get(4);
        String expected = vector.get(5);
        assertEquals(
            Optional.of(normalized),
            IdentifierKind.forJoinKeyName(name).normalize(input),
            "normalisation of vector " + (checked + 1));
        assertEquals(
            Optional.of(expected),
            Fingerprinter.create(SharedSecret.fromText(secret), collaboration, name)
                .fingerprint(input),
            "fingerprint of vector " + (checked + 1));
        assertEquals(
            expected,
            ReferenceFingerprint.fingerprint(secret, collaboration, name, normalized),
            "independent fingerprint of vector " + (checked + 1));
        checked++;
      }
    }
    assertEquals(8, checked);
  }

  @Test
  void twoPartiesWithTheSameSecret_getTheSameFingerprintForOnePerson() {
    Fingerprinter retailer = Fingerprinter.create(SECRET, "demo", "email");
    Fingerprinter advertiser =
        Fingerprinter.create(
            SharedSecret.fromText("a-secret-both-parties-share\n"), "demo", "email");
    assertEquals(
        retailer.fingerprint("Jane.Doe@Example.com"),
        advertiser.fingerprint("  jane.doe+ads@example.com"));
  }

  @Test
  void sameEmailInOtherCollaborationOrJoinKey_getsAnotherFingerprint() {
    String demo =
        Fingerprinter.create(SECRET, "demo", "email").fingerprint("a@b.com").orElseThrow();
    String other =
        Fingerprinter.create(SECRET, "other", "email").fingerprint("a@b.com").orElseThrow();
    String otherKey =
        Fingerprinter.create(SECRET, "demo", "contact", IdentifierKind.EMAIL)
            .fingerprint("a@b.com")
            .orElseThrow();
    assertNotEquals(demo, other);
    assertNotEquals(demo, otherKey);
    assertTrue(Fingerprints.looksLikeFingerprint(demo));
  }

  @Test
  void nullOrBlankIdentifier_staysNullSoItNeverJoins() {
    Fingerprinter fingerprinter = Fingerprinter.create(SECRET, "demo", "email");
    assertEquals(Optional.empty(), fingerprinter.fingerprint(null));
    assertEquals(Optional.empty(), fingerprinter.fingerprint("   "));
  }

  @Test
  void malformedEmail_isRefusedWithoutEchoingIt() {
    Fingerprinter fingerprinter = Fingerprinter.create(SECRET, "demo", "email");
    for (String bad : List.of("no-at-sign", "two@@example.com", "@example.com", "+tag@x.org")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> fingerprinter.fingerprint(bad));
      assertFalse(e.getMessage().contains(bad));
    }
  }

  @Test
  void fingerprintFormat_acceptsOnlyPrefixAnd64LowerHexDigits() {
    assertFormat(true, "fp1:" + "0".repeat(64));
    assertFormat(true, "fp1:" + "0123456789abcdef".repeat(4));
    assertFormat(false, "0".repeat(64));
    assertFormat(false, "0".repeat(68));
    assertFormat(false, "fp1:" + "0".repeat(63));
    assertFormat(false, "fp1:" + "0".repeat(65));
    assertFormat(false, "fp1:" + "A".repeat(64));
    assertFormat(false, "fp2:" + "0".repeat(64));
    assertFormat(false, "FP1:" + "0".repeat(64));
    assertFormat(false, "alice@example.com");
    assertFormat(false, "");
    // The characters just outside the digits' and letters' ranges, at the first and last place.
    for (char outside : new char[] {'/', ':', '`', 'g', ' ', '\u00e9'}) {
      assertFormat(false, "fp1:" + outside + "0".repeat(63));
      assertFormat(false, "fp1:" + "0".repeat(63) + outside);
    }
    assertFalse(Fingerprints.looksLikeFingerprint(null));
  }

  /** The text and its UTF-8 bytes (inside a larger array) are judged alike. */
  private static void assertFormat(boolean expected, String text) {
    assertEquals(expected, Fingerprints.looksLikeFingerprint(text), text);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] padded = new byte[utf8.length + 6];
    Arrays.fill(padded, (byte) 'a');
    System.arraycopy(utf8, 0, padded, 3, utf8.length);
    assertEquals(expected, Fingerprints.looksLikeFingerprint(padded, 3, utf8.length), text);
  }

  @Test
  void hkdf_matchesRfc5869TestCase1() {
    // RFC 5869 A.1: IKM 22 x 0x0b, salt 0x00..0x0c, info 0xf0..0xf9, L = 42.
    byte[] ikm = new byte[22];
    java.util.Arrays.fill(ikm, (byte) 0x0b);
    String salt =
        new String(
            HexFormat.of().parseHex("000102030405060708090a0b0c"), StandardCharsets.ISO_8859_1);
    // Hkdf takes text salt/info as UTF-8; these byte values are all ASCII except 0xf0..0xf9.
    byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(HexFormat.of().parseHex("000102030405060708090a0b0c"), saltBytes);
    byte[] prk = ReferenceFingerprint.hmac(saltBytes, ikm);
    assertEquals(
        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
        HexFormat.of().formatHex(prk));
    // And our HKDF (Bouncy Castle) agrees with the RFC's OKM for an ASCII info.
    byte[] okm = Hkdf.derive(new TestKey(ikm), salt, "cleanroom", 42);
    byte[] reference = referenceExpand(prk, "cleanroom".getBytes(StandardCharsets.UTF_8), 42);
    assertArrayEquals(reference, okm);
  }

  private static byte[] referenceExpand(byte[] prk, byte[] info, int length) {
    byte[] output = new byte[length];
    byte[] previous = new byte[0];
    int written = 0;
    for (int block = 1; written < length; block++) {
      byte[] input = new byte[previous.length + info.length + 1];
      System.arraycopy(previous, 0, input, 0, previous.length);
      System.arraycopy(info, 0, input, previous.length, info.length);
      input[input.length - 1] = (byte) block;
      previous = ReferenceFingerprint.hmac(prk, input);
      int count = Math.min(previous.length, length - written);
      System.arraycopy(previous, 0, output, written, count);
      written += count;
    }
    return output;
  }

  private static final class TestKey extends SecretBytes {
    TestKey(byte[] bytes) {
      super(bytes, 0, "test key");
    }
  }
}
