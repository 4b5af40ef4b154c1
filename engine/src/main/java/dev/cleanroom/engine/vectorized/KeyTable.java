package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.QueryMemory;

/** An open-addressing hash table from fixed-width keys of longs to dense ids 0, 1, 2, ... */
final class KeyTable {
  private final int width;
  private final QueryMemory memory;
  private long[] keys;
  private int[] firstRows;
  private int[] slots;
  private int mask;
  private int size;

  KeyTable(int width, int expectedSize, QueryMemory memory) {
    this.width = width;
    this.memory = memory;
    int capacity = Integer.highestOneBit(Math.max(16, Math.min(expectedSize, 1 << 26)) * 2);
    this.slots = memory.ints(capacity);
    this.mask = capacity - 1;
    int groups = Math.max(16, capacity / 2);
    this.keys = memory.longs(groups * width);
    this.firstRows = memory.ints(groups);
  }

  int size() {
    return size;
  }

  int[] firstRows() {
    return firstRows;
  }

  static int hash(long[] key) {
    long h = 0x9E3779B97F4A7C15L;
    for (long word : key) {
      h = (h ^ word) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 29;
    }
    return (int) (h ^ (h >>> 32));
  }

  /** The id of {@code key}, or -1. */
  int find(long[] key, int hash) {
    int slot = hash & mask;
    while (true) {
      int entry = slots[slot];
      if (entry == 0) {
        return -1;
      }
      if (matches(entry - 1, key)) {
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The id of {@code key}, adding it (first seen on {@code row}) if it is new. */
  int findOrInsert(long[] key, int hash, int row) {
    int slot = hash & mask;
    while (true) {
      int entry = slots[slot];
      if (entry == 0) {
        return insert(slot, key, hash, row);
      }
      if (matches(entry - 1, key)) {
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private boolean matches(int id, long[] key) {
    int base = id * width;
    for (int w = 0; w < width; w++) {
      if (keys[base + w] != key[w]) {
        return false;
      }
    }
    return true;
  }

  private int insert(int slot, long[] key, int hash, int row) {
    int id = size++;
    if (id == firstRows.length) {
      int grown = firstRows.length * 2;
      long[] newKeys = memory.longs(grown * width);
      System.arraycopy(keys, 0, newKeys, 0, keys.length);
      keys = newKeys;
      int[] newFirstRows = memory.ints(grown);
      System.arraycopy(firstRows, 0, newFirstRows, 0, firstRows.length);
      firstRows = newFirstRows;
    }
    System.arraycopy(key, 0, keys, id * width, width);
    firstRows[id] = row;
    slots[slot] = id + 1;
    if (size * 2 > slots.length) {
      rehash();
    }
    return id;
  }

  private void rehash() {
    int capacity = slots.length * 2;
    int[] newSlots = memory.ints(capacity);
    int newMask = capacity - 1;
    long[] key = new long[width];
    for (int id = 0; id < size; id++) {
      System.arraycopy(keys, id * width, key, 0, width);
      int slot = hash(key) & newMask;
      while (newSlots[slot] != 0) {
        slot = (slot + 1) & newMask;
      }
      newSlots[slot] = id + 1;
    }
    slots = newSlots;
    mask = newMask;
  }
}
