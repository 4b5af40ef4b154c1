package dev.cleanroom.engine.vectorized;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Selections of selections and of a join's sides: each column read at the end holds the rows a
 * gather after each step would give, and is gathered once, from where it was computed.
 */
class PickingTest {
  private static final int ROWS = 120_000;

  @RegisterExtension final TestQueryContext query = new TestQueryContext(256L << 20);
  private QueryContext context;

  @BeforeEach
  void open() {
    context = query.context();
  }

  /** A base relation of longs (every seventh NULL) and doubles; counts how often each is made. */
  private static Relation base(AtomicInteger[] made) {
    long[] longs = new long[ROWS];
    boolean[] nulls = new boolean[ROWS];
    double[] doubles = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      longs[i] = i * 31L;
      nulls[i] = i % 7 == 0;
      doubles[i] = i / 4.0;
    }
    List<Supplier<Column>> columns = new ArrayList<>();
    made[0] = new AtomicInteger();
    made[1] = new AtomicInteger();
    columns.add(
        () -> {
          made[0].incrementAndGet();
          return new LongColumn(longs, nulls);
        });
    columns.add(
        () -> {
          made[1].incrementAndGet();
          return new DoubleColumn(doubles, null);
        });
    return new Relation(ROWS, columns);
  }

  /** Every {@code step}-th row from {@code offset}, ascending, within {@code count}. */
  private static int[] every(int step, int offset, int count) {
    int[] rows = new int[(count - offset + step - 1) / step];
    for (int p = 0; p < rows.length; p++) {
      rows[p] = offset + p * step;
    }
    return rows;
  }

  /** The first selection: every third row from row 1; the second: every other row of the first. */
  private static final int[] FIRST = every(3, 1, ROWS);

  private static final int[] SECOND = every(2, 0, FIRST.length);

  private Relation select(Relation input, int[] rows) {
    return FilterOperator.select(input, rows, rows.length, context);
  }

  @Test
  void selectionOfASelection_readsTheComposedRows_andGathersFromTheBaseOnce() {
    AtomicInteger[] made = new AtomicInteger[2];
    Relation once = select(base(made), FIRST);
    Relation twice = select(once, SECOND);

    Column longs = twice.column(0);
    Column doubles = twice.column(1);

    assertEquals(SECOND.length, twice.rowCount());
    for (int p = 0; p < SECOND.length; p++) {
      int row = FIRST[SECOND[p]];
      assertEquals(row % 7 == 0, longs.isNull(p), "null at " + p);
      if (!longs.isNull(p)) {
        assertEquals(row * 31L, longs.longAt(p));
      }
      assertEquals(row / 4.0, doubles.doubleAt(p));
    }
    assertEquals(1, made[0].get());
    assertEquals(1, made[1].get());
    assertNotNull(once.pendingPick(0), "the middle step's column was never gathered");
    assertNotNull(once.pendingPick(1), "the middle step's column was never gathered");
  }

  /**
   * Once the middle step's column has been gathered (something read it there), the next selection
   * gathers from it rather than composing row numbers again.
   */
  @Test
  void gatheredMiddleColumn_isSelectedFromDirectly() {
    AtomicInteger[] made = new AtomicInteger[2];
    Relation base = base(made);
    Relation once = select(base, FIRST);
    Column middle = once.column(0);
    Relation twice = select(once, SECOND);

    Relation.Pick pick = twice.pendingPick(0);
    assertSame(once, pick.base());
    Relation.Pick untouched = twice.pendingPick(1);
    assertSame(base, untouched.base(), "the column nobody read in the middle is picked from base");
    Column longs = twice.column(0);
    for (int p = 0; p < SECOND.length; p++) {
      assertEquals(middle.isNull(SECOND[p]), longs.isNull(p));
      assertEquals(middle.longAt(SECOND[p]), longs.longAt(p));
    }
  }

  /**
   * A left join's unmatched rows (-1) read NULL, also through a later selection, and a selection of
   * the matched side reads the same values as gathering step by step.
   */
  @Test
  void outerJoinSide_thenSelection_keepsTheNullsOfUnmatchedRows() {
    AtomicInteger[] made = new AtomicInteger[2];
    Relation base = base(made);
    int count = ROWS;
    int[] joined = new int[count];
    for (int i = 0; i < count; i++) {
      joined[i] = i % 5 == 0 ? -1 : (i * 7) % ROWS;
    }
    List<Supplier<Column>> columns = new ArrayList<>();
    List<Relation.Pick> picks = new ArrayList<>();
    Picking.add(base, Picking.Rows.of(joined, count, true), context, columns, picks);
    Relation join = new Relation(count, columns, null, picks);
    int[] kept = every(4, 2, count);
    Relation selected = select(join, kept);

    Column longs = selected.column(0);
    Column doubles = selected.column(1);
    for (int p = 0; p < kept.length; p++) {
      int row = joined[kept[p]];
      boolean isNull = row < 0 || row % 7 == 0;
      assertEquals(isNull, longs.isNull(p), "null at " + p);
      if (!isNull) {
        assertEquals(row * 31L, longs.longAt(p));
      }
      assertEquals(row < 0, doubles.isNull(p));
      if (row >= 0) {
        assertEquals(row / 4.0, doubles.doubleAt(p));
      }
    }
  }

  /** The composed row numbers are made once for all the columns picked through the same steps. */
  @Test
  void columnsPickedThroughTheSameSteps_shareOneComposition() {
    AtomicInteger[] made = new AtomicInteger[2];
    Relation once = select(base(made), FIRST);
    Relation twice = select(once, SECOND);

    assertSame(twice.pendingPick(0).rows(), twice.pendingPick(1).rows());
    int[] composed = twice.pendingPick(0).rows().get();
    int[] expected = new int[SECOND.length];
    for (int p = 0; p < SECOND.length; p++) {
      expected[p] = FIRST[SECOND[p]];
    }
    assertArrayEquals(expected, composed);
    assertTrue(composed.length > 16_384, "long enough for both threads to compose a range");
  }
}
