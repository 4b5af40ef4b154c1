package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.QueryMemory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.apache.calcite.rel.RelFieldCollation;

/**
 * ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...): rows are bucketed by partition with a counting
 * sort, then each (small) partition is sorted by the order keys, stably.
 */
final class RowNumbers {
  private RowNumbers() {}

  /** The sort direction and NULL placement of one order key. */
  record OrderKey(Column column, boolean descending, boolean nullsFirst) {
    static OrderKey of(
        Column column,
        RelFieldCollation.Direction direction,
        RelFieldCollation.NullDirection nulls) {
      boolean descending = direction.isDescending();
      RelFieldCollation.NullDirection effective =
          nulls == RelFieldCollation.NullDirection.UNSPECIFIED
              ? direction.defaultNullDirection()
              : nulls;
      return new OrderKey(column, descending, effective == RelFieldCollation.NullDirection.FIRST);
    }
  }

  /**
   * The row numbers. {@code orderKeysOf} is only asked for the order keys when some partition has
   * more than one row: when every row is its own partition (a private query whose groups are
   * attributes of the unit), every number is 1 and the order keys are never computed.
   */
  static LongColumn compute(
      List<Column> partitionKeys,
      Supplier<List<OrderKey>> orderKeysOf,
      int rowCount,
      QueryContext context) {
    QueryMemory memory = context.memory();
    GroupIds groups =
        partitionKeys.isEmpty() ? null : GroupIds.assign(partitionKeys, rowCount, context);
    long[] numbers = memory.longs(rowCount);
    if (groups != null && groups.groupCount() == rowCount) {
      Arrays.fill(numbers, 1L);
      return new LongColumn(numbers, null);
    }
    RowComparator order = rowOrder(orderKeysOf.get());
    if (groups != null) {
      if (groups.isRadixPartitioned()) {
        numberByRadixPartition(groups, order, numbers, context);
        return new LongColumn(numbers, null);
      }
      number(groups.groupCount(), groups.groupOfRow(), rowCount, order, numbers, context);
    } else {
      number(rowCount == 0 ? 0 : 1, memory.ints(rowCount), rowCount, order, numbers, context);
    }
    return new LongColumn(numbers, null);
  }

  /** The order keys of some rows: column position {@code p} holds the value of {@code rows[p]}. */
  @FunctionalInterface
  interface OrderKeysOfRows {
    List<OrderKey> of(int[] rows, int count);
  }

  /**
   * The rows {@code ROW_NUMBER() <= maxRows} keeps, ascending, when the numbers themselves are not
   * read: every row of a partition with at most {@code maxRows} rows, and the first {@code maxRows}
   * by the order keys of each larger one. Returns {@code null} only when the input has no more rows
   * than {@code maxRows} (its size alone decides). The order keys are computed for the rows of the
   * larger partitions only, so the work beyond grouping grows with those rows, never with the whole
   * input: one person's many rows cost in proportion to them, not a pass over everybody. And the
   * passes over everybody run whether or not any partition is larger: when none is, every row is
   * kept and the caller still selects them, so that one person of another party whose rows make the
   * only larger partition (the analyst can give every other fingerprint few enough rows or groups)
   * adds no pass and no copy of the input.
   */
  static int[] firstRowsPerPartition(
      List<Column> partitionKeys,
      OrderKeysOfRows orderKeysOf,
      int rowCount,
      long maxRows,
      QueryContext context) {
    if (rowCount <= maxRows) {
      return null;
    }
    QueryMemory memory = context.memory();
    int groupCount;
    int[] groupOfRow;
    PackedKeys packed = partitionKeys.isEmpty() ? null : packedDirectly(partitionKeys, rowCount);
    if (partitionKeys.isEmpty()) {
      groupCount = 1;
      groupOfRow = memory.ints(rowCount);
    } else if (packed != null) {
      // Keys packed into a small range (a fingerprint's dictionary codes, a dense person id)
      // number the partitions themselves: only the partitions' sizes are needed, not dense ids.
      groupCount = (int) packed.range();
      int[] packedRows = memory.ints(rowCount);
      context.parallelRanges(rowCount, (part, from, to) -> packed.packInto(packedRows, from, to));
      groupOfRow = packedRows;
    } else {
      GroupIds groups = GroupIds.assign(partitionKeys, rowCount, context);
      groupCount = groups.groupCount();
      groupOfRow = groups.groupOfRow();
    }
    int limit = (int) maxRows; // maxRows < rowCount
    long[] larger = largerPartitions(groupOfRow, rowCount, groupCount, limit, context);
    int[] candidates = rowsOfLargerPartitions(groupOfRow, rowCount, larger, context);
    int total = candidates.length;
    // The larger partitions numbered densely in partition order (a rank over the bitmap), and
    // their rows bucketed by a counting sort over those rows only.
    int words = larger.length;
    int[] rankOfWord = memory.ints(words + 1);
    for (int w = 0; w < words; w++) {
      rankOfWord[w + 1] = rankOfWord[w] + Long.bitCount(larger[w]);
    }
    int largerCount = rankOfWord[words];
    int[] offsets = memory.ints(largerCount + 1);
    int[] partitionOf = memory.ints(total);
    for (int c = 0; c < total; c++) {
      int g = groupOfRow[candidates[c]];
      int partition = rankOfWord[g >>> 6] + Long.bitCount(larger[g >>> 6] & ((1L << g) - 1));
      partitionOf[c] = partition;
      offsets[partition + 1]++;
    }
    for (int d = 0; d < largerCount; d++) {
      offsets[d + 1] += offsets[d];
    }
    int[] next = memory.ints(largerCount);
    System.arraycopy(offsets, 0, next, 0, largerCount);
    int[] rows = memory.ints(total);
    for (int c = 0; c < total; c++) {
      rows[next[partitionOf[c]]++] = candidates[c];
    }
    RowComparator order = rowOrder(orderKeysOf.of(rows, total));
    int[] positions = memory.ints(total);
    for (int p = 0; p < total; p++) {
      positions[p] = p;
    }
    // Split as the input's rows are: how many partitions are larger is up to the people in it.
    context.parallelRanges(
        largerCount,
        context.partsOf(rowCount),
        (part, from, to) -> {
          for (int d = from; d < to; d++) {
            selectFirst(positions, offsets[d], offsets[d + 1], limit, order);
          }
        });
    long[] dropped = memory.longs((int) ((rowCount + 63L) >>> 6));
    int droppedCount = 0;
    for (int d = 0; d < largerCount; d++) {
      for (int p = offsets[d] + limit; p < offsets[d + 1]; p++) {
        int row = rows[positions[p]];
        dropped[row >>> 6] |= 1L << row;
        droppedCount++;
      }
    }
    return rowsNotDropped(dropped, rowCount, rowCount - droppedCount, context);
  }

  /**
   * One bit per partition: whether it has more than {@code maxRows} rows. Each thread counts the
   * rows of its range per partition, in a byte that stops at {@code maxRows + 1} when the cap is
   * below 255 (a quarter of the memory an int count reads and writes at random), then the threads'
   * counts are added per partition. The same passes whatever the sizes are.
   */
  private static long[] largerPartitions(
      int[] groupOfRow, int rowCount, int groupCount, int maxRows, QueryContext context) {
    QueryMemory memory = context.memory();
    int parts = context.partsOf(rowCount);
    // The rows of partition g over all threads' counts (a sum of at most parts x 255 for bytes).
    IntUnaryOperator rowsOf;
    if (maxRows < 255) {
      byte[][] counts = new byte[parts][];
      for (int part = 0; part < parts; part++) {
        counts[part] = memory.bytes(groupCount);
      }
      int saturated = maxRows + 1;
      context.parallelRanges(
          rowCount,
          (part, from, to) -> {
            byte[] own = counts[part];
            for (int i = from; i < to; i++) {
              int g = groupOfRow[i];
              int count = own[g] & 0xFF;
              own[g] = (byte) (count + ((count - saturated) >>> 31));
            }
          });
      rowsOf =
          g -> {
            int sum = 0;
            for (byte[] own : counts) {
              sum += own[g] & 0xFF;
            }
            return sum;
          };
    } else {
      int[][] counts = new int[parts][];
      for (int part = 0; part < parts; part++) {
        counts[part] = memory.ints(groupCount);
      }
      context.parallelRanges(
          rowCount,
          (part, from, to) -> {
            int[] own = counts[part];
            for (int i = from; i < to; i++) {
              own[groupOfRow[i]]++;
            }
          });
      // The threads' counts add up to at most rowCount, an int.
      rowsOf =
          g -> {
            int sum = 0;
            for (int[] own : counts) {
              sum += own[g];
            }
            return sum;
          };
    }
    long[] larger = memory.longs((int) ((groupCount + 63L) >>> 6));
    // Split as the rows are: the number of partitions is up to the people in the input.
    context.parallelRanges(
        larger.length,
        parts,
        (part, from, to) -> {
          for (int w = from; w < to; w++) {
            long bits = 0;
            int end = Math.min(groupCount, (w + 1) << 6);
            for (int g = w << 6; g < end; g++) {
              bits |= (long) ((maxRows - rowsOf.applyAsInt(g)) >>> 31) << g;
            }
            larger[w] = bits;
          }
        });
    return larger;
  }

  /**
   * The rows of the partitions {@code larger} marks, ascending: each thread notes those of its
   * range (a bitmap read per row, which stays in cache), then the ranges' rows are put together.
   */
  private static int[] rowsOfLargerPartitions(
      int[] groupOfRow, int rowCount, long[] larger, QueryContext context) {
    IntList[] found = new IntList[context.partsOf(rowCount)];
    context.parallelRanges(
        rowCount,
        (part, from, to) -> {
          // Room for every row of the range, each written and counted when its bit is set: the
          // same writes however many rows belong to larger partitions, and no branch on them.
          IntList own = new IntList(to - from, context.memory());
          int[] values = own.values();
          int n = 0;
          for (int i = from; i < to; i++) {
            int g = groupOfRow[i];
            values[n] = i;
            n += (int) (larger[g >>> 6] >>> g) & 1;
          }
          own.filled(n);
          found[part] = own;
        });
    int total = 0;
    for (IntList own : found) {
      total += own.size();
    }
    int[] rows = context.memory().ints(total);
    int at = 0;
    for (IntList own : found) {
      System.arraycopy(own.values(), 0, rows, at, own.size());
      at += own.size();
    }
    return rows;
  }

  /**
   * The rows whose bit in {@code dropped} is clear, ascending; {@code keptCount} of them. Threads
   * take whole words of the bitmap: each first counts the rows its words keep, so that it knows
   * where its rows go, then writes them.
   */
  private static int[] rowsNotDropped(
      long[] dropped, int rowCount, int keptCount, QueryContext context) {
    int words = dropped.length;
    int[] kept = context.memory().ints(keptCount);
    int[] keptBefore = new int[context.partsOf(words) + 1];
    context.parallelRanges(
        words,
        (part, from, to) -> {
          int count = 0;
          for (int w = from; w < to; w++) {
            count += Long.bitCount(~dropped[w] & rowsOfWord(w, rowCount));
          }
          keptBefore[part + 1] = count;
        });
    for (int part = 0; part + 1 < keptBefore.length; part++) {
      keptBefore[part + 1] += keptBefore[part];
    }
    context.parallelRanges(
        words,
        (part, from, to) -> {
          int at = keptBefore[part];
          for (int w = from; w < to; w++) {
            long bits = ~dropped[w] & rowsOfWord(w, rowCount);
            int base = w << 6;
            while (bits != 0) {
              kept[at++] = base + Long.numberOfTrailingZeros(bits);
              bits &= bits - 1;
            }
          }
        });
    return kept;
  }

  /** The bits of word {@code w} that stand for rows below {@code rowCount}. */
  private static long rowsOfWord(int w, int rowCount) {
    int rowsInWord = Math.min(64, rowCount - (w << 6));
    return rowsInWord == 64 ? -1L : (1L << rowsInWord) - 1;
  }

  /**
   * The packing of {@code keys} when its range is small enough to count partition sizes in an array
   * indexed by it (at most four slots a row, as {@link GroupIds} indexes directly), else null.
   */
  private static PackedKeys packedDirectly(List<Column> keys, int rowCount) {
    PackedKeys packed = PackedKeys.of(keys, rowCount);
    return packed != null && packed.range() <= Math.min(1 << 24, 4L * rowCount + 1024)
        ? packed
        : null;
  }

  /**
   * Moves the {@code n} first positions by {@code order} to {@code [from, from + n)}, in no
   * particular order among themselves: a quickselect with three-way partitioning, so linear on
   * average also when many rows tie (an analyst can plant identical rows; it cannot steer the keyed
   * hash that orders distinct ones).
   */
  private static void selectFirst(int[] positions, int from, int to, int n, RowComparator order) {
    int target = from + n;
    int low = from;
    int high = to;
    while (high - low > 1 && target > low && target < high) {
      int pivot = medianOfThree(positions, low, low + (high - low) / 2, high - 1, order);
      int less = low;
      int at = low;
      int greater = high;
      while (at < greater) {
        int comparison = order.compare(positions[at], pivot);
        if (comparison < 0) {
          swap(positions, less++, at++);
        } else if (comparison > 0) {
          swap(positions, at, --greater);
        } else {
          at++;
        }
      }
      // [low, less) < pivot, [less, greater) ties it, [greater, high) > pivot.
      if (target <= less) {
        high = less;
      } else if (target >= greater) {
        low = greater;
      } else {
        return;
      }
    }
  }

  private static int medianOfThree(int[] positions, int a, int b, int c, RowComparator order) {
    int x = positions[a];
    int y = positions[b];
    int z = positions[c];
    if (order.compare(x, y) < 0) {
      return order.compare(y, z) < 0 ? y : order.compare(x, z) < 0 ? z : x;
    }
    return order.compare(x, z) < 0 ? x : order.compare(y, z) < 0 ? z : y;
  }

  private static void swap(int[] values, int i, int j) {
    int value = values[i];
    values[i] = values[j];
    values[j] = value;
  }

  /** Buckets all rows by group with a counting sort, then numbers each group's rows. */
  private static void number(
      int groupCount,
      int[] groupOfRow,
      int rowCount,
      RowComparator comparator,
      long[] numbers,
      QueryContext context) {
    QueryMemory memory = context.memory();
    int[] offsets = memory.ints(groupCount + 1);
    for (int i = 0; i < rowCount; i++) {
      offsets[groupOfRow[i] + 1]++;
    }
    for (int g = 0; g < groupCount; g++) {
      offsets[g + 1] += offsets[g];
    }
    int[] rows = memory.ints(rowCount);
    int[] next = memory.ints(groupCount);
    System.arraycopy(offsets, 0, next, 0, groupCount);
    for (int i = 0; i < rowCount; i++) {
      rows[next[groupOfRow[i]]++] = i;
    }
    context.parallelRanges(
        groupCount,
        (part, from, to) -> {
          int[] scratch = new int[16];
          for (int g = from; g < to; g++) {
            scratch = sortAndNumber(rows, offsets[g], offsets[g + 1], comparator, numbers, scratch);
          }
        });
  }

  /**
   * The same, one radix partition at a time: a partition's groups are a contiguous range of ids, so
   * its counting sort and the numbering stay within a few cache-sized arrays.
   */
  private static void numberByRadixPartition(
      GroupIds groups, RowComparator comparator, long[] numbers, QueryContext context) {
    int[] rowAt = groups.rowAt();
    int[] groupAt = groups.groupAt();
    int[] partitionStart = groups.partitionStart();
    int[] partitionGroupStart = groups.partitionGroupStart();
    int partitionCount = partitionStart.length - 1;
    AtomicInteger nextPartition = new AtomicInteger();
    context.parallel(
        part -> {
          int[] offsets = new int[16];
          int[] rows = new int[16];
          int[] scratch = new int[16];
          int p;
          while ((p = nextPartition.getAndIncrement()) < partitionCount) {
            int start = partitionStart[p];
            int end = partitionStart[p + 1];
            int firstGroup = partitionGroupStart[p];
            int groupCount = partitionGroupStart[p + 1] - firstGroup;
            if (offsets.length < groupCount + 2) {
              offsets = new int[Math.max(groupCount + 2, 2 * offsets.length)];
            }
            if (rows.length < end - start) {
              rows = new int[Math.max(end - start, 2 * rows.length)];
            }
            Arrays.fill(offsets, 0, groupCount + 2, 0);
            for (int at = start; at < end; at++) {
              offsets[groupAt[at] - firstGroup + 2]++;
            }
            for (int g = 0; g < groupCount; g++) {
              offsets[g + 2] += offsets[g + 1];
            }
            // offsets[g + 1] is now where group g starts; it becomes where g ends as rows land.
            for (int at = start; at < end; at++) {
              rows[offsets[groupAt[at] - firstGroup + 1]++] = rowAt[at];
            }
            for (int g = 0; g < groupCount; g++) {
              scratch =
                  sortAndNumber(rows, offsets[g], offsets[g + 1], comparator, numbers, scratch);
            }
          }
        });
  }

  /** Sorts rows[start, end) (one group) by the order keys and numbers them 1, 2, ... */
  private static int[] sortAndNumber(
      int[] rows, int start, int end, RowComparator comparator, long[] numbers, int[] scratch) {
    if (end - start > scratch.length) {
      scratch = new int[Integer.highestOneBit(end - start) * 2];
    }
    if (comparator instanceof LeadingLong leading && end - start <= 24) {
      insertionSort(rows, start, end, leading.key(), leading.descending(), leading.tieBreak());
    } else {
      sort(rows, start, end, comparator, scratch);
    }
    for (int p = start; p < end; p++) {
      numbers[rows[p]] = p - start + 1;
    }
    return scratch;
  }

  /**
   * The private plans order first by a non-null long (a keyed hash), then by other keys: compare
   * the long directly, and the rest only on a tie.
   */
  private static RowComparator rowOrder(List<OrderKey> orderKeys) {
    RowComparator comparator = comparator(orderKeys);
    if (!orderKeys.isEmpty()
        && orderKeys.get(0).column() instanceof LongColumn longs
        && longs.nulls() == null) {
      RowComparator tieBreak = orderKeys.size() == 1 ? null : comparator;
      return new LeadingLong(longs.values(), orderKeys.get(0).descending(), tieBreak);
    }
    return comparator;
  }

  @FunctionalInterface
  private interface RowComparator {
    int compare(int leftRow, int rightRow);
  }

  private static RowComparator comparator(List<OrderKey> orderKeys) {
    RowComparator[] parts = new RowComparator[orderKeys.size()];
    for (int k = 0; k < parts.length; k++) {
      OrderKey key = orderKeys.get(k);
      Column column = key.column();
      RowComparator values;
      if (column instanceof LongColumn || column instanceof ConstantColumn) {
        values = (a, b) -> Long.compare(column.longAt(a), column.longAt(b));
      } else if (column instanceof DoubleColumn) {
        values = (a, b) -> Double.compare(column.doubleAt(a), column.doubleAt(b));
      } else if (column instanceof DictionaryColumn dictionary) {
        int[] ranks = dictionary.dictionary().sortRanks();
        int[] codes = dictionary.codes();
        values = (a, b) -> Integer.compare(ranks[codes[a]], ranks[codes[b]]);
      } else {
        values = (a, b) -> compareObjects(column.objectAt(a), column.objectAt(b));
      }
      RowComparator directed = key.descending() ? (a, b) -> values.compare(b, a) : values;
      int nullOrder = key.nullsFirst() ? -1 : 1;
      parts[k] =
          (a, b) -> {
            boolean aNull = column.isNull(a);
            boolean bNull = column.isNull(b);
            if (aNull || bNull) {
              return aNull == bNull ? 0 : aNull ? nullOrder : -nullOrder;
            }
            return directed.compare(a, b);
          };
    }
    return (a, b) -> {
      for (RowComparator part : parts) {
        int comparison = part.compare(a, b);
        if (comparison != 0) {
          return comparison;
        }
      }
      return 0;
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareObjects(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  /**
   * A stable insertion sort of rows[from, to) by a long key, then (on equal keys) by {@code
   * tieBreak}, the whole order, when there is one.
   */
  private static void insertionSort(
      int[] rows, int from, int to, long[] key, boolean descending, RowComparator tieBreak) {
    for (int i = from + 1; i < to; i++) {
      int row = rows[i];
      long value = key[row];
      int j = i - 1;
      while (j >= from) {
        long other = key[rows[j]];
        boolean after = descending ? other < value : other > value;
        if (!after && other == value && tieBreak != null) {
          after = tieBreak.compare(rows[j], row) > 0;
        }
        if (!after) {
          break;
        }
        rows[j + 1] = rows[j];
        j--;
      }
      rows[j + 1] = row;
    }
  }

  /** The order by a leading non-null long key, then by {@code tieBreak} (the whole order). */
  private record LeadingLong(long[] key, boolean descending, RowComparator tieBreak)
      implements RowComparator {
    @Override
    public int compare(int leftRow, int rightRow) {
      int comparison = Long.compare(key[leftRow], key[rightRow]);
      if (comparison != 0) {
        return descending ? -comparison : comparison;
      }
      return tieBreak == null ? 0 : tieBreak.compare(leftRow, rightRow);
    }
  }

  /** A stable sort of rows[from, to): insertion sort when small, else merge sort. */
  private static void sort(int[] rows, int from, int to, RowComparator comparator, int[] scratch) {
    int length = to - from;
    if (length <= 24) {
      for (int i = from + 1; i < to; i++) {
        int row = rows[i];
        int j = i - 1;
        while (j >= from && comparator.compare(rows[j], row) > 0) {
          rows[j + 1] = rows[j];
          j--;
        }
        rows[j + 1] = row;
      }
      return;
    }
    int middle = from + length / 2;
    sort(rows, from, middle, comparator, scratch);
    sort(rows, middle, to, comparator, scratch);
    System.arraycopy(rows, from, scratch, 0, length);
    int left = 0;
    int leftEnd = middle - from;
    int right = leftEnd;
    int out = from;
    while (left < leftEnd && right < length) {
      if (comparator.compare(scratch[right], scratch[left]) < 0) {
        rows[out++] = scratch[right++];
      } else {
        rows[out++] = scratch[left++];
      }
    }
    while (left < leftEnd) {
      rows[out++] = scratch[left++];
    }
    while (right < length) {
      rows[out++] = scratch[right++];
    }
  }
}
