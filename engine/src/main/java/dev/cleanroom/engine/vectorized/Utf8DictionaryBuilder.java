package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import java.util.Arrays;
import org.apache.arrow.vector.VarCharVector;

/**
 * Dictionary-encodes a string column from its UTF-8 bytes in the Arrow buffers: each cell's bytes
 * are copied into one scratch array, hashed and compared there, and only the distinct values are
 * kept, in one byte arena that becomes the dictionary's. No string, boxed code or map entry per
 * cell or per value.
 */
final class Utf8DictionaryBuilder {
  private byte[] arena = new byte[1 << 16];
  private int arenaSize;
  private int[] starts = new int[1 << 10];
  private int[] lengths = new int[1 << 10];
  private int size;

  /** Slot s holds code + 1 (0: empty) and that value's hash. */
  private int[] slotCodes = new int[1 << 11];

  private int[] slotHashes = new int[1 << 11];
  private int mask = (1 << 11) - 1;
  private byte[] scratch = new byte[256];

  /** Encodes rows {@code 0 .. count} of {@code vector} into {@code codes} from {@code offset}. */
  void encode(VarCharVector vector, int count, int[] codes, int offset) {
    for (int i = 0; i < count; i++) {
      if (vector.isNull(i)) {
        codes[offset + i] = -1;
        continue;
      }
      int start = vector.getStartOffset(i);
      int length = vector.getEndOffset(i) - start;
      if (length > scratch.length) {
        scratch = new byte[Math.max(length, 2 * scratch.length)];
      }
      vector.getDataBuffer().getBytes(start, scratch, 0, length);
      codes[offset + i] = codeOf(scratch, length);
    }
  }

  /** The distinct values, in code order, as a dictionary over their bytes (no strings made). */
  StringDictionary dictionary() {
    int[] offsets = Arrays.copyOf(starts, size + 1);
    offsets[size] = arenaSize;
    return new StringDictionary(Arrays.copyOf(arena, arenaSize), offsets);
  }

  private int codeOf(byte[] bytes, int length) {
    int hash = StringDictionary.hash(bytes, 0, length);
    int slot = hash & mask;
    while (true) {
      int entry = slotCodes[slot];
      if (entry == 0) {
        return insert(slot, hash, bytes, length);
      }
      int code = entry - 1;
      if (slotHashes[slot] == hash
          && lengths[code] == length
          && Arrays.equals(arena, starts[code], starts[code] + length, bytes, 0, length)) {
        return code;
      }
      slot = (slot + 1) & mask;
    }
  }

  private int insert(int slot, int hash, byte[] bytes, int length) {
    int code = size++;
    if (code == starts.length) {
      starts = Arrays.copyOf(starts, 2 * code);
      lengths = Arrays.copyOf(lengths, 2 * code);
    }
    if (arenaSize + length > arena.length) {
      long grown = Math.max(2L * arena.length, (long) arenaSize + length);
      if (grown > Integer.MAX_VALUE - 16) {
        throw new ExecutionException(
            ExecutionErrorCode.ROW_LIMIT_EXCEEDED, "a string column has too many distinct bytes");
      }
      arena = Arrays.copyOf(arena, (int) grown);
    }
    System.arraycopy(bytes, 0, arena, arenaSize, length);
    starts[code] = arenaSize;
    lengths[code] = length;
    arenaSize += length;
    slotCodes[slot] = code + 1;
    slotHashes[slot] = hash;
    if (2 * size > mask + 1) {
      rehash();
    }
    return code;
  }

  private void rehash() {
    int capacity = 2 * (mask + 1);
    int[] codes = new int[capacity];
    int[] hashes = new int[capacity];
    int newMask = capacity - 1;
    for (int slot = 0; slot <= mask; slot++) {
      if (slotCodes[slot] != 0) {
        int target = slotHashes[slot] & newMask;
        while (codes[target] != 0) {
          target = (target + 1) & newMask;
        }
        codes[target] = slotCodes[slot];
        hashes[target] = slotHashes[slot];
      }
    }
    slotCodes = codes;
    slotHashes = hashes;
    mask = newMask;
  }
}
