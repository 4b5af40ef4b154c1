package dev.cleanroom.connectors.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedSecretTest {
  private final SecureRandom random = new SecureRandom();
  private final byte[] secret =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @Test
  void sealed_unsealsWithTheCurrentOrARetiredKey() {
    MasterKey current = MasterKey.generate(random);
    MasterKey retired = MasterKey.generate(random);
    assertArrayEquals(
        secret, SealedSecret.unseal(SealedSecret.seal(current, secret, random), List.of(current)));
    assertArrayEquals(
        secret,
        SealedSecret.unseal(SealedSecret.seal(retired, secret, random), List.of(current, retired)));
  }

  @Test
  void sealed_carriesNeitherTheSecretNorTheSameBytesTwice() {
    MasterKey key = MasterKey.generate(random);
    byte[] first = SealedSecret.seal(key, secret, random);
    byte[] second = SealedSecret.seal(key, secret, random);
    assertFalse(HexFormat.of().formatHex(first).contains(HexFormat.of().formatHex(secret)));
    assertNotEquals(HexFormat.of().formatHex(first), HexFormat.of().formatHex(second));
  }

  @Test
  void otherMasterKey_isRefusedByItsIdWithoutTheSecret() {
    MasterKey sealing = MasterKey.generate(random);
    MasterKey configured = MasterKey.generate(random);
    byte[] sealed = SealedSecret.seal(sealing, secret, random);
    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> SealedSecret.unseal(sealed, List.of(configured)));
    assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
    assertEquals(
        "the sealed secret is under master key '" + sealing.id() + "', which is not configured",
        e.getMessage());
  }

  @Test
  void changedByte_failsAuthenticationWithoutTheSecret() {
    MasterKey key = MasterKey.generate(random);
    byte[] sealed = SealedSecret.seal(key, secret, random);
    for (int position : new int[] {1 + 1 + 16, sealed.length - 1, sealed.length - 20}) {
      byte[] changed = sealed.clone();
      changed[position] ^= 1;
      ConnectorException e =
          assertThrows(ConnectorException.class, () -> SealedSecret.unseal(changed, List.of(key)));
      assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, e.code());
      assertEquals(
          "the sealed secret failed authentication under master key '" + key.id() + "'",
          e.getMessage());
    }
  }

  @Test
  void relabelledKeyId_isRefused() {
    MasterKey key = MasterKey.generate(random);
    MasterKey other = MasterKey.generate(random);
    byte[] sealed = SealedSecret.seal(key, secret, random);
    byte[] otherId = other.id().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(otherId, 0, sealed, 2, otherId.length);
    ConnectorException e =
        assertThrows(ConnectorException.class, () -> SealedSecret.unseal(sealed, List.of(other)));
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, e.code());
  }

  @Test
  void truncatedOrUnknownFormat_isRefused() {
    MasterKey key = MasterKey.generate(random);
    byte[] sealed = SealedSecret.seal(key, secret, random);
    assertEquals(
        ConnectorErrorCode.INTEGRITY_FAILURE,
        assertThrows(
                ConnectorException.class,
                () -> SealedSecret.unseal(java.util.Arrays.copyOf(sealed, 30), List.of(key)))
            .code());
    byte[] otherFormat = sealed.clone();
    otherFormat[0] = 2;
    assertEquals(
        ConnectorErrorCode.INTEGRITY_FAILURE,
        assertThrows(ConnectorException.class, () -> SealedSecret.unseal(otherFormat, List.of(key)))
            .code());
  }

  @Test
  void keysFromFiles_readsThemInOrder(@TempDir Path directory) throws Exception {
    MasterKey first = MasterKey.generate(random);
    MasterKey second = MasterKey.generate(random);
    Path a = Files.writeString(directory.resolve("a.key"), first.toBase64());
    Path b = Files.writeString(directory.resolve("b.key"), second.toBase64() + "\n");
    List<MasterKey> keys = SealedSecret.keysFromFiles(a + ", " + b);
    assertEquals(List.of(first.id(), second.id()), keys.stream().map(MasterKey::id).toList());
    ConnectorException none =
        assertThrows(ConnectorException.class, () -> SealedSecret.keysFromFiles(" "));
    assertEquals(ConnectorErrorCode.KEY_ERROR, none.code());
    assertTrue(none.getMessage().contains(SealedSecret.SPARK_MASTER_KEY_FILES));
    assertFalse(none.getMessage().contains(Base64.getEncoder().encodeToString(secret)));
  }
}
