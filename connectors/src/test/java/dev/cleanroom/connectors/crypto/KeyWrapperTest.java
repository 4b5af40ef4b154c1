package dev.cleanroom.connectors.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyWrapperTest {
  private final SecureRandom random = new SecureRandom();
  private final KeyWrapper wrapper = new KeyWrapper(random);

  @Test
  void wrappedKey_unwrapsUnderSameMasterKeyAndContext() {
    MasterKey master = MasterKey.generate(random);
    DataKey data = DataKey.generate(random);
    WrappedKey wrapped = wrapper.wrap(master, data, "dataset=a;version=1");
    assertEquals(
        data, wrapper.unwrap(master, WrappedKey.parse(wrapped.text()), "dataset=a;version=1"));
  }

  @Test
  void wrappedKeyMovedToOtherVersion_failsAuthentication() {
    MasterKey master = MasterKey.generate(random);
    WrappedKey wrapped = wrapper.wrap(master, DataKey.generate(random), "dataset=a;version=1");
    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> wrapper.unwrap(master, wrapped, "dataset=a;version=2"));
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, e.code());
  }

  @Test
  void otherMasterKey_isRefusedByItsId() {
    WrappedKey wrapped = wrapper.wrap(MasterKey.generate(random), DataKey.generate(random), "ctx");
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () -> wrapper.unwrap(MasterKey.generate(random), wrapped, "ctx"));
    assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
  }

  @Test
  void rewrap_keepsTheDataKeyUnderTheNewMasterKey() {
    MasterKey oldKey = MasterKey.generate(random);
    MasterKey newKey = MasterKey.generate(random);
    DataKey data = DataKey.generate(random);
    WrappedKey rewrapped = wrapper.rewrap(oldKey, newKey, wrapper.wrap(oldKey, data, "c"), "c");
    assertEquals(newKey.id(), rewrapped.masterKeyId());
    assertEquals(data, wrapper.unwrap(newKey, rewrapped, "c"));
  }

  @Test
  void masterKeyFile_readsBase64AndRefusesWrongLength(@TempDir Path directory) throws Exception {
    MasterKey key = MasterKey.generate(random);
    Path file = directory.resolve("master.key");
    Files.writeString(file, key.toBase64() + "\n");
    assertEquals(key, MasterKey.fromFile(file));
    assertEquals(key.id(), MasterKey.fromFile(file).id());

    Files.writeString(file, "c2hvcnQ=");
    ConnectorException e = assertThrows(ConnectorException.class, () -> MasterKey.fromFile(file));
    assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
  }

  @Test
  void keys_neverPrintTheirBytes() {
    MasterKey key = MasterKey.generate(random);
    assertEquals("MasterKey[redacted]", key.toString());
    assertNotEquals(-1, key.toString().indexOf("redacted"));
  }
}
