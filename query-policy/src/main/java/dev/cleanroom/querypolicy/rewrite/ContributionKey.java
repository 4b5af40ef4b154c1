package dev.cleanroom.querypolicy.rewrite;

import java.nio.ByteBuffer;

/**
 * The server-held 128-bit key of the hash that orders each unit's groups. Secret: the analyst must
 * not predict which groups a unit keeps, so it never appears in plan text, digests or logs.
 */
public final class ContributionKey {
  private final long first;
  private final long second;

  private ContributionKey(long first, long second) {
    this.first = first;
    this.second = second;
  }

  /** A key from exactly 16 secret bytes. */
  public static ContributionKey of(byte[] key) {
    if (key == null || key.length != 16) {
      throw new IllegalArgumentException(
          "a contribution key has 16 bytes, was " + (key == null ? "null" : key.length));
    }
    ByteBuffer buffer = ByteBuffer.wrap(key);
    return new ContributionKey(buffer.getLong(), buffer.getLong());
  }

  long first() {
    return first;
  }

  long second() {
    return second;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ContributionKey key && key.first == first && key.second == second;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(first * 31 + second);
  }

  @Override
  public String toString() {
    return "ContributionKey[hidden]";
  }
}
