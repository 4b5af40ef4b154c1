package dev.cleanroom.connectors.executor;

import java.util.Arrays;
import java.util.List;

/**
 * Numbers the distinct keys of a relation's rows 0 .. groupCount-1. Each thread owns the keys whose
 * hash falls in its partition, so no table is shared and every group's rows stay in input order
 * within one thread. Keys that pack into one long are hashed as one word, or indexed directly when
 * their packed range is small.
 *
 * @param groupOfRow the group of each row
 * @param firstRowOfGroup a row of each group (its first), to read the key values back
 * @param partitionOfRow the partition (thread) that owns each row's group
 * @param partitions how many partitions there are
 */
record GroupIds(
    int groupCount, int[] groupOfRow, int[] firstRowOfGroup, int[] partitionOfRow, int partitions) {
  /** Packed keys with at most this many values are numbered by direct indexing, no hashing. */
  private static final long DIRECT_LIMIT = 1 << 24;

  static GroupIds assign(List<Column> keys, int rowCount, QueryContext context) {
    QueryMemory memory = context.memory();
    int parts = rowCount < 16_384 ? 1 : context.parallelism();
    int[] groupOfRow = memory.ints(rowCount);
    int[] partition = memory.ints(rowCount);
    PackedKeys packed = PackedKeys.of(keys, rowCount);
    boolean direct =
        packed != null && packed.range() <= DIRECT_LIMIT && packed.range() <= 4L * rowCount + 1024;
    KeyReader[] readers = packed == null ? KeyReader.forGrouping(keys, rowCount) : null;
    boolean withNullMask = readers != null && hasNullableWords(readers);
    int width = readers == null ? 1 : readers.length + (withNullMask ? 1 : 0);

    // Pass 1: a hash (or direct slot) per row, in parallel over row ranges.
    int[] hashes = memory.ints(rowCount);
    long[] packedKeys = packed != null && !direct ? memory.longs(rowCount) : null;
    context.parallelRanges(
        rowCount,
        (part, from, to) -> {
          long[] key = new long[width];
          for (int i = from; i < to; i++) {
            int hash;
            if (direct) {
              hash = (int) packed.pack(i);
              partition[i] = hash % parts;
            } else {
              if (packedKeys != null) {
                long packedKey = packed.pack(i);
                packedKeys[i] = packedKey;
                hash = LongKeyTable.hash(packedKey);
              } else {
                hash = KeyTable.hash(fill(readers, key, i, withNullMask));
              }
              // Hash tables index by the low bits, so partitions take the high bits.
              partition[i] = (int) (((hash & 0xFFFFFFFFL) * parts) >>> 32);
            }
            hashes[i] = hash;
          }
        });

    // Pass 2: each partition numbers its own keys, interleaving ids as local * parts + part.
    int[][] localFirstRows = new int[parts][];
    int[] localCounts = new int[parts];
    int expected = Math.max(16, rowCount / parts / 4);
    context.parallel(
        part -> {
          if (part >= parts) {
            return;
          }
          if (direct) {
            // Slots of this partition are congruent to part modulo parts: index by slot / parts.
            int[] slotIds = new int[(int) (packed.range() / parts) + 1];
            int[] firstRows = new int[16];
            int count = 0;
            for (int i = 0; i < rowCount; i++) {
              if (partition[i] != part) {
                continue;
              }
              int slot = hashes[i] / parts;
              int id = slotIds[slot] - 1;
              if (id < 0) {
                id = count++;
                slotIds[slot] = id + 1;
                if (id == firstRows.length) {
                  firstRows = Arrays.copyOf(firstRows, id * 2);
                }
                firstRows[id] = i;
              }
              groupOfRow[i] = id * parts + part;
            }
            localFirstRows[part] = firstRows;
            localCounts[part] = count;
          } else if (packed != null) {
            LongKeyTable table = new LongKeyTable(expected, memory);
            for (int i = 0; i < rowCount; i++) {
              if (partition[i] == part) {
                groupOfRow[i] = table.findOrInsert(packedKeys[i], hashes[i], i) * parts + part;
              }
            }
            localFirstRows[part] = table.firstRows();
            localCounts[part] = table.size();
          } else {
            KeyTable table = new KeyTable(width, expected, memory);
            long[] key = new long[width];
            for (int i = 0; i < rowCount; i++) {
              if (partition[i] == part) {
                int id = table.findOrInsert(fill(readers, key, i, withNullMask), hashes[i], i);
                groupOfRow[i] = id * parts + part;
              }
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
    for (int part = 0; part < parts; part++) {
      System.arraycopy(localFirstRows[part], 0, firstRowOfGroup, base[part], localCounts[part]);
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
    return new GroupIds(groupCount, groupOfRow, firstRowOfGroup, partition, parts);
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
}
