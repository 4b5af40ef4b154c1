package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.QueryMemory;
import java.util.Arrays;

/**
 * An open-addressing hash table from single-long keys to dense ids 0, 1, 2, ... A slot's key and id
 * sit next to each other in one array, so a probe costs one cache miss, not two.
 */
final class LongKeyTable {
  private final QueryMemory memory;

  /** Slot s holds its key at 2s and its id + 1 at 2s + 1 (0: empty). */
  private long[] slots;

  private int[] firstRows;
  private int mask;
  private int size;

  LongKeyTable(int expectedSize, QueryMemory memory) {
    this.memory = memory;
    int capacity = capacityFor(expectedSize);
    this.slots = memory.longs(2 * capacity);
    this.mask = capacity - 1;
    this.firstRows = memory.ints(Math.max(16, capacity / 2));
  }

  /** The smallest power of two that holds {@code expectedSize} keys at most half full. */
  private static int capacityFor(int expectedSize) {
    int expected = Math.max(16, Math.min(expectedSize, 1 << 28));
    return Integer.highestOneBit(2 * expected - 1) << 1;
  }

  /**
   * An empty table for about {@code expectedSize} keys: {@code table} emptied when its arrays are
   * large enough (only the part now needed is cleared), else a new one.
   */
  static LongKeyTable reuse(LongKeyTable table, int expectedSize, QueryMemory memory) {
    int capacity = capacityFor(expectedSize);
    if (table == null || table.slots.length < 2 * capacity) {
      return new LongKeyTable(expectedSize, memory);
    }
    Arrays.fill(table.slots, 0, 2 * capacity, 0L);
    table.mask = capacity - 1;
    table.size = 0;
    return table;
  }

  static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    h ^= h >>> 32;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 29));
  }

  int size() {
    return size;
  }

  int[] firstRows() {
    return firstRows;
  }

  int findOrInsert(long key, int hash, int row) {
    int slot = hash & mask;
    while (true) {
      long entry = slots[2 * slot + 1];
      if (entry == 0) {
        int id = size++;
        if (id == firstRows.length) {
          int[] grown = memory.ints(firstRows.length * 2);
          System.arraycopy(firstRows, 0, grown, 0, firstRows.length);
          firstRows = grown;
        }
        firstRows[id] = row;
        slots[2 * slot] = key;
        slots[2 * slot + 1] = id + 1;
        if (size * 2 > mask + 1) {
          rehash();
        }
        return id;
      }
      if (slots[2 * slot] == key) {
        return (int) entry - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void rehash() {
    int capacity = (mask + 1) * 2;
    long[] grown = memory.longs(2 * capacity);
    int newMask = capacity - 1;
    for (int slot = 0; slot <= mask; slot++) {
      long entry = slots[2 * slot + 1];
      if (entry != 0) {
        long key = slots[2 * slot];
        int target = hash(key) & newMask;
        while (grown[2 * target + 1] != 0) {
          target = (target + 1) & newMask;
        }
        grown[2 * target] = key;
        grown[2 * target + 1] = entry;
      }
    }
    slots = grown;
    mask = newMask;
  }
}
