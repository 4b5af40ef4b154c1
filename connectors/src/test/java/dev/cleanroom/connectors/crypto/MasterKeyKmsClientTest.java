package dev.cleanroom.connectors.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.crypto.keytools.KmsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyKmsClientTest {
  private final SecureRandom random = new SecureRandom();

  @TempDir Path directory;

  @Test
  void wrappedKey_unwrapsUnderTheKeyFilesOfAnotherClient() throws Exception {
    MasterKey current = MasterKey.generate(random);
    MasterKey retired = MasterKey.generate(random);
    byte[] dataKey = new byte[32];
    random.nextBytes(dataKey);

    KmsClient writer = clientReading(current, retired);
    String wrapped = writer.wrapKey(dataKey, current.id());
    String wrappedUnderRetired = writer.wrapKey(dataKey, retired.id());

    KmsClient reader = clientReading(current, retired);
    assertArrayEquals(dataKey, reader.unwrapKey(wrapped, current.id()));
    assertArrayEquals(dataKey, reader.unwrapKey(wrappedUnderRetired, retired.id()));
    assertFalse(wrapped.contains(Base64.getEncoder().encodeToString(dataKey)));
  }

  @Test
  void keysHeldInMemory_unwrapWhatKeyFilesWrapped() throws Exception {
    MasterKey key = MasterKey.generate(random);
    byte[] dataKey = new byte[16];
    random.nextBytes(dataKey);
    String wrapped = clientReading(key).wrapKey(dataKey, key.id());

    MasterKeyKmsClient inMemory = new MasterKeyKmsClient();
    inMemory.initialize(MasterKeyKmsClient.holdingKeys(List.of(key)), "DEFAULT", "DEFAULT", "t");
    assertArrayEquals(dataKey, inMemory.unwrapKey(wrapped, key.id()));
  }

  @Test
  void keyIdNotConfigured_isRefusedByItsId() throws Exception {
    MasterKey key = MasterKey.generate(random);
    MasterKey other = MasterKey.generate(random);
    String wrapped = clientReading(other).wrapKey(new byte[32], other.id());

    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> clientReading(key).unwrapKey(wrapped, other.id()));
    assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
    assertEquals("no configured master key has id '" + other.id() + "'", e.getMessage());
  }

  @Test
  void wrappedKeyRelabelledToAnotherConfiguredKey_failsAuthentication() throws Exception {
    MasterKey first = MasterKey.generate(random);
    MasterKey second = MasterKey.generate(random);
    KmsClient client = clientReading(first, second);
    String wrapped = client.wrapKey(new byte[32], first.id());

    ConnectorException e =
        assertThrows(ConnectorException.class, () -> client.unwrapKey(wrapped, second.id()));
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, e.code());
    assertEquals(
        "Parquet data key under master key '" + second.id() + "' failed authentication",
        e.getMessage());
  }

  @Test
  void tamperedWrappedKey_failsAuthentication() throws Exception {
    MasterKey key = MasterKey.generate(random);
    KmsClient client = clientReading(key);
    byte[] sealed = Base64.getDecoder().decode(client.wrapKey(new byte[32], key.id()));
    sealed[Nonce.LENGTH + 3] ^= 0x01;
    String tampered = Base64.getEncoder().encodeToString(sealed);

    ConnectorException e =
        assertThrows(ConnectorException.class, () -> client.unwrapKey(tampered, key.id()));
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, e.code());
    assertEquals(
        "Parquet data key under master key '" + key.id() + "' failed authentication",
        e.getMessage());
    assertFalse(e.getMessage().contains(key.toBase64()));
  }

  @Test
  void noKeyFilesConfigured_isRefused() {
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () ->
                new MasterKeyKmsClient()
                    .initialize(new Configuration(false), "DEFAULT", "DEFAULT", "DEFAULT"));
    assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
    assertEquals(
        "Hadoop setting 'cleanroom.master-key-files' names no master key file", e.getMessage());
  }

  @Test
  void accessToken_differsWithTheKeysAndNamesOnlyTheirIds() {
    MasterKey first = MasterKey.generate(random);
    MasterKey second = MasterKey.generate(random);
    String token = MasterKeyKmsClient.accessToken(List.of(first, second));
    assertEquals("cleanroom-keys:" + first.id() + "," + second.id(), token);
    assertNotEquals(token, MasterKeyKmsClient.accessToken(List.of(second, first)));
  }

  private KmsClient clientReading(MasterKey... keys) throws Exception {
    StringBuilder files = new StringBuilder();
    for (MasterKey key : keys) {
      Path file = Files.createTempFile(directory, "master-", ".key");
      Files.writeString(file, key.toBase64() + "\n");
      files.append(files.isEmpty() ? "" : ",").append(file);
    }
    Configuration configuration = new Configuration(false);
    configuration.set(MasterKeyKmsClient.MASTER_KEY_FILES, files.toString());
    MasterKeyKmsClient client = new MasterKeyKmsClient();
    client.initialize(configuration, "DEFAULT", "DEFAULT", "DEFAULT");
    return client;
  }
}
