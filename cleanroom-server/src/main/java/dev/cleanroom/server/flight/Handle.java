package dev.cleanroom.server.flight;

import java.util.Arrays;

/** Opaque bytes (a ticket or a prepared statement's handle) as a map key. */
record Handle(byte[] bytes) {
  Handle {
    bytes = bytes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Handle handle && Arrays.equals(bytes, handle.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Handle[" + bytes.length + " bytes]";
  }
}
