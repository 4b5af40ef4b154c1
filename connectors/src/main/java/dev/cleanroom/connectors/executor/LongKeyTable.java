package dev.cleanroom.connectors.executor;

/** An open-addressing hash table from single-long keys to dense ids 0, 1, 2, ... */
final class LongKeyTable {
  private final QueryMemory memory;
  private long[] slotKeys;
  private int[] slotIds;
  private int[] firstRows;
  private int mask;
  private int size;

  LongKeyTable(int expectedSize, QueryMemory memory) {
    this.memory = memory;
    int capacity = Integer.highestOneBit(Math.max(16, Math.min(expectedSize, 1 << 28)) * 2);
    this.slotKeys = memory.longs(capacity);
    this.slotIds = memory.ints(capacity);
    this.mask = capacity - 1;
    this.firstRows = memory.ints(Math.max(16, capacity / 2));
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
      int entry = slotIds[slot];
      if (entry == 0) {
        int id = size++;
        if (id == firstRows.length) {
          int[] grown = memory.ints(firstRows.length * 2);
          System.arraycopy(firstRows, 0, grown, 0, firstRows.length);
          firstRows = grown;
        }
        firstRows[id] = row;
        slotKeys[slot] = key;
        slotIds[slot] = id + 1;
        if (size * 2 > slotIds.length) {
          rehash();
        }
        return id;
      }
      if (slotKeys[slot] == key) {
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void rehash() {
    int capacity = slotIds.length * 2;
    long[] newKeys = memory.longs(capacity);
    int[] newIds = memory.ints(capacity);
    int newMask = capacity - 1;
    for (int slot = 0; slot < slotIds.length; slot++) {
      if (slotIds[slot] != 0) {
        int target = hash(slotKeys[slot]) & newMask;
        while (newIds[target] != 0) {
          target = (target + 1) & newMask;
        }
        newKeys[target] = slotKeys[slot];
        newIds[target] = slotIds[slot];
      }
    }
    slotKeys = newKeys;
    slotIds = newIds;
    mask = newMask;
  }
}
