package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.QueryMemory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Numbers the distinct keys of a relation's rows 0 .. groupCount-1, in one of two layouts.
 *
 * <p><b>Owned by thread</b> (small inputs, and keys that pack into a small range and are indexed
 * directly): each of {@link #partitions()} threads owns some groups (those whose hash falls in its
 * partition; directly indexed keys over many rows, numbered by all threads, by their id) and visits
 * all rows to aggregate, keeping its own; {@link #partitionOfRow()} says which.
 *
 * <p><b>Radix partitioned</b> (large inputs with hashed keys): rows are first scattered by the high
 * bits of their key's hash into many small partitions ({@link #rowAt()}: the rows of partition p at
 * positions {@code partitionStart[p] .. partitionStart[p + 1]}, ascending), then each partition is
 * numbered with a hash table small enough to stay in cache, and a group's id is its partition's
 * base plus its number within the partition. A partition's groups are a contiguous range of ids, so
 * whoever aggregates a partition touches only its own few accumulators.
 *
 * <p>Either way ids are deterministic, every group's rows are visited in input order, and no table
 * is shared between threads.
 */
final class GroupIds {
  /** Packed keys with at most this many values are numbered by direct indexing, no hashing. */
  private static final long DIRECT_LIMIT = 1 << 24;

  /** Large inputs are indexed directly only when the packed range is at most this. */
  private static final long CACHED_DIRECT_LIMIT = 1 << 16;

  /**
   * Directly indexed keys with at most this many values are numbered and aggregated by one thread.
   */
  private static final long FEW_GROUPS = 64;

  /** Inputs with at least this many rows and hashed keys are radix partitioned. */
  static final int RADIX_MIN_ROWS = 1 << 17;

  /** Radix partitions hold about this many rows, so that their hash tables stay in cache. */
  private static final int ROWS_PER_PARTITION = 8192;

  private final int groupCount;
  private final int[] firstRowOfGroup;
  private final QueryContext context;
  private final int rowCount;
  // Owned by thread; computed on first use when the groups were numbered directly.
  private int[] partitionOfRow;
  private final int partitions;
  // Radix partitioned:
  private final int[] rowAt;
  private final int[] positionOfRow;
  private final int[] groupAt;
  private final int[] partitionStart;
  private final int[] partitionGroupStart;
  // Radix partitioned with packed keys: the packing, and the packed key of each group.
  private final PackedKeys packing;
  private final long[] packedKeyOfGroup;
  // Both; computed on first use in the radix layout.
  private int[] groupOfRow;

  private GroupIds(
      QueryContext context,
      int rowCount,
      int groupCount,
      int[] firstRowOfGroup,
      int[] groupOfRow,
      int[] partitionOfRow,
      int partitions,
      int[] rowAt,
      int[] positionOfRow,
      int[] groupAt,
      int[] partitionStart,
      int[] partitionGroupStart,
      PackedKeys packing,
      long[] packedKeyOfGroup) {
    this.context = context;
    this.rowCount = rowCount;
    this.groupCount = groupCount;
    this.firstRowOfGroup = firstRowOfGroup;
    this.groupOfRow = groupOfRow;
    this.partitionOfRow = partitionOfRow;
    this.partitions = partitions;
    this.rowAt = rowAt;
    this.positionOfRow = positionOfRow;
    this.groupAt = groupAt;
    this.partitionStart = partitionStart;
    this.partitionGroupStart = partitionGroupStart;
    this.packing = packing;
    this.packedKeyOfGroup = packedKeyOfGroup;
  }

  int groupCount() {
    return groupCount;
  }

  /** A row of each group (its first), to read the key values back. */
  int[] firstRowOfGroup() {
    return firstRowOfGroup;
  }

  /**
   * The value of key column {@code k} (of the columns numbered) for each group: unpacked from the
   * groups' packed keys when the radix layout has them (read in one sweep), else read at each
   * group's first row.
   */
  Column keyOfGroups(int k, Column key) {
    if (packedKeyOfGroup != null) {
      return packing.unpack(k, key, packedKeyOfGroup, groupCount, context);
    }
    return Gather.rows(key, firstRowOfGroup, groupCount, context);
  }

  /** Whether the radix layout ({@link #rowAt()}, {@link #groupAt()}) is used. */
  boolean isRadixPartitioned() {
    return rowAt != null;
  }

  /** Owned-by-thread layout: how many threads own groups. */
  int partitions() {
    return partitions;
  }

  /** Owned-by-thread layout: the thread that owns each row's group (null for one thread). */
  synchronized int[] partitionOfRow() {
    if (partitionOfRow == null && partitions > 1) {
      int[] groups = groupOfRow();
      int[] owners = context.memory().ints(rowCount);
      context.parallelRanges(
          rowCount,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              owners[i] = groups[i] % partitions;
            }
          });
      partitionOfRow = owners;
    }
    return partitionOfRow;
  }

  /** Radix layout: the rows, partition by partition, ascending within each. */
  int[] rowAt() {
    return rowAt;
  }

  /** Radix layout: the position of each row in {@link #rowAt()} (its inverse). */
  int[] positionOfRow() {
    return positionOfRow;
  }

  /** Radix layout: the group of the row at each position of {@link #rowAt()}. */
  int[] groupAt() {
    return groupAt;
  }

  /** Radix layout: where each partition starts in {@link #rowAt()}; one more entry at the end. */
  int[] partitionStart() {
    return partitionStart;
  }

  /**
   * Radix layout: the first group id of each partition (its groups are the ids up to the next
   * partition's first); one more entry at the end, the group count.
   */
  int[] partitionGroupStart() {
    return partitionGroupStart;
  }

  /** The group of each row. */
  synchronized int[] groupOfRow() {
    if (groupOfRow == null) {
      int[] groups = context.memory().ints(rowCount);
      context.parallelRanges(
          rowCount,
          (part, from, to) -> {
            for (int position = from; position < to; position++) {
              groups[rowAt[position]] = groupAt[position];
            }
          });
      groupOfRow = groups;
    }
    return groupOfRow;
  }

  static GroupIds assign(List<Column> keys, int rowCount, QueryContext context) {
    PackedKeys packed = PackedKeys.of(keys, rowCount);
    // Direct indexing, unless the input is large and the slot array would not stay in cache: then
    // radix partitions touch memory in fewer places.
    boolean direct =
        packed != null
            && packed.range() <= DIRECT_LIMIT
            && packed.range() <= 4L * rowCount + 1024
            && (rowCount < RADIX_MIN_ROWS || packed.range() <= CACHED_DIRECT_LIMIT);
    KeyReader[] readers = packed == null ? KeyReader.forGrouping(keys, rowCount) : null;
    boolean withNullMask = readers != null && hasNullableWords(readers);
    int width = readers == null ? 1 : readers.length + (withNullMask ? 1 : 0);
    if (!direct && rowCount >= RADIX_MIN_ROWS) {
      return radix(packed, readers, withNullMask, width, rowCount, context);
    }
    return ownedByThread(packed, direct, readers, withNullMask, width, rowCount, context);
  }

  private static GroupIds ownedByThread(
      PackedKeys packed,
      boolean direct,
      KeyReader[] readers,
      boolean withNullMask,
      int width,
      int rowCount,
      QueryContext context) {
    QueryMemory memory = context.memory();
    // A handful of directly indexed groups is owned by one thread: split between threads, each
    // would visit every row to aggregate a few, and their accumulators would share cache lines.
    boolean fewGroups = direct && packed.range() <= FEW_GROUPS;
    if (direct && rowCount >= 16_384 && packed.range() <= CACHED_DIRECT_LIMIT) {
      return directGroups(packed, rowCount, fewGroups ? 1 : context.parallelism(), context);
    }
    int parts = rowCount < 16_384 || fewGroups ? 1 : context.parallelism();
    int[] groupOfRow = memory.ints(rowCount);
    int[] partition = memory.ints(rowCount);

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
    return new GroupIds(
        context,
        rowCount,
        groupCount,
        firstRowOfGroup,
        groupOfRow,
        partition,
        parts,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * Directly indexed keys of a range that stays in cache ({@link #CACHED_DIRECT_LIMIT}) over many
   * rows, numbered by all threads: each range of rows notes its rows' slots and the first row of
   * each slot, the slots are numbered by their first rows (the ids a sequential pass gives), then
   * each range turns its slots into ids. No thread visits every row to number them. The groups are
   * owned by {@code owners} threads, group g by thread g modulo owners (one thread for at most
   * {@link #FEW_GROUPS}: split between threads, each would visit every row to aggregate a few, and
   * their accumulators would share cache lines).
   */
  private static GroupIds directGroups(
      PackedKeys packed, int rowCount, int owners, QueryContext context) {
    int slots = (int) packed.range();
    int[] groupOfRow = context.memory().ints(rowCount);
    int[][] firstRowOfSlotPerPart = new int[context.parallelism()][];
    context.parallelRanges(
        rowCount,
        (part, from, to) -> {
          int[] firstRows = context.memory().ints(slots);
          Arrays.fill(firstRows, -1);
          packed.packInto(groupOfRow, from, to);
          for (int i = from; i < to; i++) {
            int slot = groupOfRow[i];
            if (firstRows[slot] < 0) {
              firstRows[slot] = i;
            }
          }
          firstRowOfSlotPerPart[part] = firstRows;
        });
    // Ranges are ascending, so the first range that saw a slot holds its first row.
    int[] firstRowOfSlot = new int[slots];
    Arrays.fill(firstRowOfSlot, -1);
    for (int[] firstRows : firstRowOfSlotPerPart) {
      if (firstRows == null) {
        continue;
      }
      for (int slot = 0; slot < slots; slot++) {
        if (firstRowOfSlot[slot] < 0) {
          firstRowOfSlot[slot] = firstRows[slot];
        }
      }
    }
    long[] firstRowAndSlot = new long[slots];
    int groupCount = 0;
    for (int slot = 0; slot < slots; slot++) {
      if (firstRowOfSlot[slot] >= 0) {
        firstRowAndSlot[groupCount++] = ((long) firstRowOfSlot[slot] << 32) | slot;
      }
    }
    Arrays.sort(firstRowAndSlot, 0, groupCount);
    int[] idOfSlot = new int[slots];
    int[] firstRowOfGroup = context.memory().ints(groupCount);
    for (int id = 0; id < groupCount; id++) {
      idOfSlot[(int) firstRowAndSlot[id]] = id;
      firstRowOfGroup[id] = (int) (firstRowAndSlot[id] >>> 32);
    }
    context.parallelRanges(
        rowCount,
        (part, from, to) -> {
          for (int i = from; i < to; i++) {
            groupOfRow[i] = idOfSlot[groupOfRow[i]];
          }
        });
    return new GroupIds(
        context,
        rowCount,
        groupCount,
        firstRowOfGroup,
        groupOfRow,
        null,
        owners,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static GroupIds radix(
      PackedKeys packed,
      KeyReader[] readers,
      boolean withNullMask,
      int width,
      int rowCount,
      QueryContext context) {
    QueryMemory memory = context.memory();
    int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, rowCount / ROWS_PER_PARTITION) - 1);
    bits = Math.max(4, Math.min(12, bits));
    int partitionCount = 1 << bits;
    int shift = 32 - bits;
    int threads = context.parallelism();

    // Pass 1: how many rows of each range fall in each partition, by the high bits of their key's
    // hash (hash tables index by the low bits). A packed key is kept and its hash computed again
    // where it is needed (two multiplications), rather than written and read back.
    int[] hashes = packed == null ? memory.ints(rowCount) : null;
    long[] packedKeys = packed != null ? memory.longs(rowCount) : null;
    int[][] histograms = new int[threads][partitionCount];
    context.parallelRanges(
        rowCount,
        (part, from, to) -> {
          int[] histogram = histograms[part];
          long[] key = new long[width];
          for (int i = from; i < to; i++) {
            int hash;
            if (packedKeys != null) {
              long packedKey = packed.pack(i);
              packedKeys[i] = packedKey;
              hash = LongKeyTable.hash(packedKey);
            } else {
              hash = KeyTable.hash(fill(readers, key, i, withNullMask));
              hashes[i] = hash;
            }
            histogram[hash >>> shift]++;
          }
        });

    // Pass 2: scatter rows (and packed keys, or else hashes) into partition order; each range
    // writes its rows after those of the ranges before it, so rows stay ascending within a
    // partition.
    int[] partitionStart = new int[partitionCount + 1];
    int[][] cursors = new int[threads][partitionCount];
    int position = 0;
    for (int p = 0; p < partitionCount; p++) {
      partitionStart[p] = position;
      for (int t = 0; t < threads; t++) {
        cursors[t][p] = position;
        position += histograms[t][p];
      }
    }
    partitionStart[partitionCount] = position;
    int[] rowAt = memory.ints(rowCount);
    int[] positionOfRow = memory.ints(rowCount);
    int[] hashAt = packedKeys == null ? memory.ints(rowCount) : null;
    long[] keyAt = packedKeys != null ? memory.longs(rowCount) : null;
    context.parallelRanges(
        rowCount,
        (part, from, to) -> {
          int[] cursor = cursors[part];
          if (keyAt != null) {
            for (int i = from; i < to; i++) {
              long packedKey = packedKeys[i];
              int target = cursor[LongKeyTable.hash(packedKey) >>> shift]++;
              rowAt[target] = i;
              positionOfRow[i] = target;
              keyAt[target] = packedKey;
            }
          } else {
            for (int i = from; i < to; i++) {
              int hash = hashes[i];
              int target = cursor[hash >>> shift]++;
              rowAt[target] = i;
              positionOfRow[i] = target;
              hashAt[target] = hash;
            }
          }
        });

    // Pass 3: number each partition's keys with a small table, partitions handed out in turn; a
    // group is noted by the position of its first row.
    int[] groupAt = memory.ints(rowCount);
    int[][] partitionFirstPositions = new int[partitionCount][];
    AtomicInteger nextPartition = new AtomicInteger();
    context.parallel(
        part -> {
          LongKeyTable longTable = null;
          KeyTable wideTable = null;
          long[] key = new long[width];
          int p;
          while ((p = nextPartition.getAndIncrement()) < partitionCount) {
            int start = partitionStart[p];
            int end = partitionStart[p + 1];
            int size;
            int[] firstPositions;
            if (keyAt != null) {
              longTable = LongKeyTable.reuse(longTable, end - start, memory);
              for (int at = start; at < end; at++) {
                long packedKey = keyAt[at];
                groupAt[at] = longTable.findOrInsert(packedKey, LongKeyTable.hash(packedKey), at);
              }
              size = longTable.size();
              firstPositions = longTable.firstRows();
            } else {
              wideTable = new KeyTable(width, Math.max(16, (end - start) / 2), memory);
              for (int at = start; at < end; at++) {
                long[] filled = fill(readers, key, rowAt[at], withNullMask);
                groupAt[at] = wideTable.findOrInsert(filled, hashAt[at], at);
              }
              size = wideTable.size();
              firstPositions = wideTable.firstRows();
            }
            partitionFirstPositions[p] = Arrays.copyOf(firstPositions, size);
          }
        });

    // Pass 4: dense ids, partition by partition. Groups are numbered in the order of their first
    // positions, which therefore ascend: their rows (and packed keys) are read in one sweep.
    int[] base = new int[partitionCount + 1];
    int groupCount = 0;
    for (int p = 0; p < partitionCount; p++) {
      base[p] = groupCount;
      groupCount += partitionFirstPositions[p].length;
    }
    base[partitionCount] = groupCount;
    int[] firstRowOfGroup = memory.ints(groupCount);
    long[] packedKeyOfGroup = keyAt != null ? memory.longs(groupCount) : null;
    context.parallelFor(
        partitionCount,
        p -> {
          int offset = base[p];
          int[] firstPositions = partitionFirstPositions[p];
          for (int local = 0; local < firstPositions.length; local++) {
            firstRowOfGroup[offset + local] = rowAt[firstPositions[local]];
            if (packedKeyOfGroup != null) {
              packedKeyOfGroup[offset + local] = keyAt[firstPositions[local]];
            }
          }
          for (int at = partitionStart[p]; at < partitionStart[p + 1]; at++) {
            groupAt[at] += offset;
          }
        });
    return new GroupIds(
        context,
        rowCount,
        groupCount,
        firstRowOfGroup,
        null,
        null,
        0,
        rowAt,
        positionOfRow,
        groupAt,
        partitionStart,
        base,
        packed,
        packedKeyOfGroup);
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
