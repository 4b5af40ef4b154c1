package dev.cleanroom.connectors.storage;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.MasterKey;
import java.util.List;

/**
 * The master key new data keys are wrapped under, plus retired keys still accepted for unwrapping
 * while a rotation is completed (a rotation interrupted by a crash is simply run again).
 */
public record MasterKeyRing(MasterKey current, List<MasterKey> retired) {
  public MasterKeyRing {
    requireNonNull(current, "current is null");
    retired = List.copyOf(requireNonNull(retired, "retired is null"));
  }

  public static MasterKeyRing of(MasterKey current) {
    return new MasterKeyRing(current, List.of());
  }

  /** The key with the given id; fails with {@code KEY_ERROR} if the ring does not hold it. */
  public MasterKey keyWithId(String id) {
    if (current.id().equals(id)) {
      return current;
    }
    for (MasterKey key : retired) {
      if (key.id().equals(id)) {
        return key;
      }
    }
    throw new ConnectorException(
        ConnectorErrorCode.KEY_ERROR, "no configured master key has id '" + id + "'");
  }
}
