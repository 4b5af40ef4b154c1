package dev.cleanroom.connectors.executor;

import java.util.List;

/**
 * Numbers the distinct keys of a relation's rows 0 .. groupCount-1. Each thread owns the keys whose
 * hash falls in its partition, so no table is shared and every group's rows stay in input order
 * within one thread.
 *
 * @param groupOfRow the group of each row
 * @param firstRowOfGroup a row of each group (its first), to read the key values back
 * @param ownerOfGroup the partition (thread) that owns each group
 */
record GroupIds(int groupCount, int[] groupOfRow, int[] firstRowOfGroup, int[] ownerOfGroup) {
  /** Keys with at most this many combinations are numbered by direct indexing, no hashing. */
  private static final int DIRECT_LIMIT = 1 << 20;

  static GroupIds assign(List<Column> keys, int rowCount, QueryContext context) {
    QueryMemory memory = context.memory();
    int parts = rowCount < 16_384 ? 1 : context.parallelism();
    int[] groupOfRow = memory.ints(rowCount);
    int[] partition = memory.ints(rowCount);
    long[] strides = directStrides(keys);
    KeyReader[] readers = KeyReader.forGrouping(keys, rowCount);
    boolean withNullMask = hasNullableWords(readers);
    int width = readers.length + (withNullMask ? 1 : 0);

    // Pass 1: a hash (or direct slot) per row, in parallel over row ranges.
    int[] hashes = memory.ints(rowCount);
    context.parallelRanges(
        rowCount,
        (part, from, to) -> {
          long[] key = new long[width];
          for (int i = from; i < to; i++) {
            int hash =
                strides != null
                    ? directSlot(readers, strides, i)
                    : KeyTable.hash(fill(readers, key, i, withNullMask));
            hashes[i] = hash;
            partition[i] = Math.floorMod(strides != null ? hash : hash >>> 7, parts);
          }
        });

    // Pass 2: each partition numbers its own keys, interleaving ids as local * parts + part.
    int[][] localFirstRows = new int[parts][];
    int[] localCounts = new int[parts];
    context.parallel(
        part -> {
          if (part >= parts) {
            return;
          }
          if (strides != null) {
            int[] slotIds = new int[(int) strides[strides.length - 1]];
            int[] firstRows = new int[16];
            int count = 0;
            for (int i = 0; i < rowCount; i++) {
              if (partition[i] != part) {
                continue;
              }
              int slot = hashes[i];
              int id = slotIds[slot] - 1;
              if (id < 0) {
                id = count++;
                slotIds[slot] = id + 1;
                if (id == firstRows.length) {
                  firstRows = java.util.Arrays.copyOf(firstRows, id * 2);
                }
                firstRows[id] = i;
              }
              groupOfRow[i] = id * parts + part;
            }
            localFirstRows[part] = firstRows;
            localCounts[part] = count;
          } else {
            KeyTable table = new KeyTable(width, Math.max(16, rowCount / parts / 4), memory);
            long[] key = new long[width];
            for (int i = 0; i < rowCount; i++) {
              if (partition[i] != part) {
                continue;
              }
              int id = table.findOrInsert(fill(readers, key, i, withNullMask), hashes[i], i);
              groupOfRow[i] = id * parts + part;
            }
            localFirstRows[part] = table.firstRows();
            localCounts[part] = table.size();
          }
        });

    // Pass 3: dense ids, partition by partition.
    int[] base = new int[parts];
    int groupCount = 0;
    for (int part = 0; part < parts; part++) {
      base[part] = groupCount;
      groupCount += localCounts[part];
    }
    int[] firstRowOfGroup = memory.ints(groupCount);
    int[] ownerOfGroup = memory.ints(groupCount);
    for (int part = 0; part < parts; part++) {
      System.arraycopy(localFirstRows[part], 0, firstRowOfGroup, base[part], localCounts[part]);
      java.util.Arrays.fill(ownerOfGroup, base[part], base[part] + localCounts[part], part);
    }
    if (parts > 1) {
      context.parallelRanges(
          rowCount,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              int value = groupOfRow[i];
              groupOfRow[i] = base[value % parts] + value / parts;
            }
          });
    }
    return new GroupIds(groupCount, groupOfRow, firstRowOfGroup, ownerOfGroup);
  }

  static long[] fill(KeyReader[] readers, long[] key, int row, boolean withNullMask) {
    long nullMask = 0;
    for (int k = 0; k < readers.length; k++) {
      key[k] = readers[k].word(row);
      if (withNullMask && readers[k].isNull(row)) {
        nullMask |= 1L << (k & 63);
      }
    }
    if (withNullMask) {
      key[readers.length] = nullMask;
    }
    return key;
  }

  static boolean hasNullableWords(KeyReader[] readers) {
    for (KeyReader reader : readers) {
      if (reader instanceof KeyReader.LongKey || reader instanceof KeyReader.DoubleKey) {
        return true;
      }
    }
    return false;
  }

  /** Strides for direct indexing when every key is a small dictionary, else null. */
  private static long[] directStrides(List<Column> keys) {
    long[] strides = new long[keys.size() + 1];
    long product = 1;
    for (int k = 0; k < keys.size(); k++) {
      if (!(keys.get(k) instanceof DictionaryColumn dictionary)) {
        return null;
      }
      strides[k] = product;
      product *= dictionary.dictionary().size() + 1L;
      if (product > DIRECT_LIMIT) {
        return null;
      }
    }
    strides[keys.size()] = product;
    return strides;
  }

  private static int directSlot(KeyReader[] readers, long[] strides, int row) {
    long slot = 0;
    for (int k = 0; k < readers.length; k++) {
      slot += (readers[k].word(row) + 1) * strides[k];
    }
    return (int) slot;
  }
}
