package dev.cleanroom.engine.vectorized;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.QueryMemory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keeping the first n rows per partition: the order keys are asked for the rows of partitions
 * larger than n only, so the work one large partition causes grows with its own rows.
 */
class FirstRowsPerPartitionTest {
  @RegisterExtension final TestQueryContext query = new TestQueryContext(64L << 20);
  private QueryContext context;

  @BeforeEach
  void open() {
    context = query.context();
  }

  /** Keys 0..9 with one row each, then key 42 with {@code planted} rows, ordered by a value. */
  private static long[] keys(int planted) {
    long[] keys = new long[10 + planted];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i < 10 ? i : 42;
    }
    return keys;
  }

  /**
   * With no partition over n every row is kept, and still selected through the same passes as when
   * one partition is larger: whether some person's rows exceed the cap must not decide whether the
   * input is copied.
   */
  @Test
  void noPartitionLargerThanN_keepsEveryRowThroughTheSamePasses() {
    List<Integer> asked = new ArrayList<>();
    int[] kept =
        RowNumbers.firstRowsPerPartition(
            List.of(new LongColumn(keys(3), null)),
            (rows, count) -> {
              asked.add(count);
              return List.of();
            },
            13,
            3,
            context);

    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, kept);
    assertEquals(List.of(0), asked, "order keys of no row: only larger partitions are ordered");
  }

  /** An input no larger than n is kept as it is: its size alone decides. */
  @Test
  void inputNoLargerThanN_isKeptWithoutSelecting() {
    assertNull(
        RowNumbers.firstRowsPerPartition(
            List.of(new LongColumn(keys(3), null)), (rows, count) -> List.of(), 13, 13, context));
  }

  @Test
  void largePartition_keepsItsFirstNByOrderKey_andOnlyItsRowsAreOrdered() {
    int planted = 1_000;
    long[] keys = keys(planted);
    // Order value: descending row index, so the last n rows of the partition come first.
    long[] order = new long[keys.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = -i;
    }
    List<Integer> asked = new ArrayList<>();
    int[] kept =
        RowNumbers.firstRowsPerPartition(
            List.of(new LongColumn(keys, null)),
            (rows, count) -> {
              asked.add(count);
              long[] values = new long[count];
              for (int p = 0; p < count; p++) {
                values[p] = order[rows[p]];
              }
              return List.of(new RowNumbers.OrderKey(new LongColumn(values, null), false, true));
            },
            keys.length,
            4,
            context);

    assertEquals(List.of(planted), asked);
    int last = keys.length - 1;
    assertArrayEquals(
        new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, last - 3, last - 2, last - 1, last}, kept);
  }

  @Test
  void largePartitionOfTies_keepsExactlyN() {
    int planted = 200_000;
    long[] keys = keys(planted);
    int[] kept =
        RowNumbers.firstRowsPerPartition(
            List.of(new LongColumn(keys, null)),
            (rows, count) ->
                List.of(
                    new RowNumbers.OrderKey(new LongColumn(new long[count], null), false, true)),
            keys.length,
            7,
            context);

    assertEquals(10 + 7, kept.length);
    for (int i = 0; i < 10; i++) {
      assertEquals(i, kept[i]);
    }
  }

  /**
   * Partitions numbered by their packed key (a small range) and by hashing (keys spread too far to
   * index) keep the same rows, NULL keys forming one partition of their own.
   */
  @Test
  void packedAndHashedPartitions_keepTheSameRows() {
    int rows = 50_000;
    long[] dense = new long[rows];
    long[] sparse = new long[rows];
    boolean[] nulls = new boolean[rows];
    long[] order = new long[rows];
    for (int i = 0; i < rows; i++) {
      int person = (i * 7919) % 997;
      dense[i] = person;
      sparse[i] = person * 1_000_000_007L;
      nulls[i] = person == 13;
      order[i] = (i * 104_729L) % 65_537;
    }
    RowNumbers.OrderKeysOfRows byOrder = orderedBy(order);
    int[] packed =
        RowNumbers.firstRowsPerPartition(
            List.of(new LongColumn(dense, nulls)), byOrder, rows, 5, context);
    int[] hashed =
        RowNumbers.firstRowsPerPartition(
            List.of(new LongColumn(sparse, nulls)), byOrder, rows, 5, context);

    assertEquals(997 * 5, packed.length);
    assertArrayEquals(packed, hashed);
  }

  /**
   * Many partitions over a large input, one of them large: each keeps the rows with its n smallest
   * order values.
   */
  @Test
  void manyPartitionsOverALargeInput_eachKeepsItsNSmallest() {
    int rows = 300_000;
    long[] persons = new long[rows];
    long[] order = new long[rows];
    for (int i = 0; i < rows; i++) {
      // 24,000 persons with 8 rows each spread over the whole input, and person 0 with every
      // fifth row.
      persons[i] = i % 5 == 0 ? 0 : (i * 7_919L) % 30_000;
      order[i] = (i * 104_729L) % 1_000_003;
    }
    int n = 4;
    int[] kept =
        RowNumbers.firstRowsPerPartition(
            List.of(new LongColumn(persons, null)), orderedBy(order), rows, n, context);

    assertEquals(24_001 * n, kept.length, "every person has more than n rows");
    assertArrayEquals(smallestPerPerson(persons, order, n), kept);
  }

  /**
   * Caps below 255 count in bytes that stop just past the cap, above it in ints; either way a
   * partition whose rows the threads' ranges split exactly at the cap is not larger, one row more
   * makes it larger, and 256 rows in one thread's range do not wrap a byte count around to 0.
   */
  @Test
  void partitionsAtAndJustOverTheCap_splitAcrossThreads_forSmallAndLargeCaps() {
    for (int n : new int[] {200, 254, 255, 300}) {
      int rows = 40_000;
      long[] persons = new long[rows];
      long[] order = new long[rows];
      // Persons 0..39 take rows in turn, so that each thread's range holds part of each; person 40
      // has the last n + 1 rows (just over the cap), person 41 n rows around the middle, split
      // between the threads' ranges (exactly the cap), person 42 the first 256 rows.
      for (int i = 0; i < rows; i++) {
        persons[i] = i < 256 ? 42 : i % 40;
        order[i] = (i * 104_729L) % 1_000_003;
      }
      for (int i = 0; i < n + 1; i++) {
        persons[rows - 1 - i] = 40;
      }
      for (int i = 0; i < n; i++) {
        persons[rows / 2 - n / 2 + i] = 41;
      }
      List<Integer> asked = new ArrayList<>();
      RowNumbers.OrderKeysOfRows byOrder = orderedBy(order);
      int[] kept =
          RowNumbers.firstRowsPerPartition(
              List.of(new LongColumn(persons, null)),
              (at, count) -> {
                asked.add(count);
                return byOrder.of(at, count);
              },
              rows,
              n,
              context);

      assertArrayEquals(smallestPerPerson(persons, order, n), kept, "cap " + n);
      int orderedRows = rows - n - (256 > n ? 0 : 256);
      assertEquals(List.of(orderedRows), asked, "rows ordered with cap " + n);
    }
  }

  /** The rows with each person's n smallest order values (all distinct), ascending. */
  private static int[] smallestPerPerson(long[] persons, long[] order, int n) {
    java.util.Map<Long, List<Integer>> byPerson = new java.util.HashMap<>();
    for (int i = 0; i < persons.length; i++) {
      byPerson.computeIfAbsent(persons[i], k -> new ArrayList<>()).add(i);
    }
    List<Integer> kept = new ArrayList<>();
    for (List<Integer> rowsOfPerson : byPerson.values()) {
      rowsOfPerson.sort(java.util.Comparator.comparingLong(row -> order[row]));
      kept.addAll(rowsOfPerson.subList(0, Math.min(n, rowsOfPerson.size())));
    }
    return kept.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /**
   * Two worlds of the per-person cap the analyst can arrange: every fingerprint of its table has at
   * most n groups, and in one world the person it asks about is present with n + 1. The work,
   * measured as the bytes the ranking charges to its query, differs by that person's rows only
   * (before, the world with no partition over n skipped a placement pass and the copy of the kept
   * rows, some 13 bytes a row of the whole input).
   */
  @Test
  void personWithTheOnlyLargerPartition_addsWorkForTheirOwnRowsOnly() {
    int others = 40_000;
    int n = 4;
    long[] charged = new long[2];
    for (int world = 0; world < 2; world++) {
      int target = world == 0 ? 0 : n + 1;
      int rows = others * n + target;
      long[] persons = new long[rows];
      long[] order = new long[rows];
      for (int i = 0; i < rows; i++) {
        persons[i] = i < others * n ? i % others : others;
        order[i] = (i * 104_729L) % 1_000_003;
      }
      try (QueryMemory account = query.newAccount()) {
        QueryContext measured = query.withOwnAccount(account);
        int[] kept =
            RowNumbers.firstRowsPerPartition(
                List.of(new LongColumn(persons, null)), orderedBy(order), rows, n, measured);
        // (null would mean every row kept without selecting: the shortcut this test rules out.)
        assertEquals(others * n + Math.min(target, n), kept == null ? rows : kept.length);
        charged[world] = account.chargedBytes();
      }
    }
    long difference = charged[1] - charged[0];
    assertTrue(
        difference >= 0 && difference <= 64L * (n + 1) + 64,
        "bytes charged: absent " + charged[0] + ", present " + charged[1]);
  }

  /** The order keys of some rows: the value {@code order} gives each row, ascending. */
  private static RowNumbers.OrderKeysOfRows orderedBy(long[] order) {
    return (at, count) -> {
      long[] values = new long[count];
      for (int p = 0; p < count; p++) {
        values[p] = order[at[p]];
      }
      return List.of(new RowNumbers.OrderKey(new LongColumn(values, null), false, true));
    };
  }
}
