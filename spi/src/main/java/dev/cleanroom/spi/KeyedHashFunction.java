package dev.cleanroom.spi;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;

/**
 * A scalar function {@code name(key0, key1, v1, ..., vn)} that the executor computes itself instead
 * of calling the function's Java code once per row: the value is {@code hash(key0, key1, data,
 * length)} where {@code data} holds {@code encoder(v1)}, ..., {@code encoder(vn)} one after the
 * other. {@code key0} and {@code key1} must be BIGINT literals in the plan; each {@code vi} is
 * given to the encoder as Calcite gives it to a function (a {@code Long} for BIGINT, a {@code
 * String} for VARCHAR, null for NULL). The executor encodes each distinct string once and hashes
 * every row without boxing it into a row of objects. The function's own Java code must compute
 * exactly the same value, so that Calcite's engine and the executor agree.
 *
 * @param name the function's name in plans
 * @param encoder the encoding of one value
 * @param hash the keyed hash of the concatenated encodings
 */
public record KeyedHashFunction(String name, Function<Object, byte[]> encoder, KeyedHash hash) {
  public KeyedHashFunction {
    requireNonNull(name, "name is null");
    requireNonNull(encoder, "encoder is null");
    requireNonNull(hash, "hash is null");
  }

  /** A keyed hash of the first {@code length} bytes of {@code data}. */
  @FunctionalInterface
  public interface KeyedHash {
    long hash(long key0, long key1, byte[] data, int length);
  }
}
