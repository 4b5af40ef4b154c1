package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ReleaseColumnTest {

  @Test
  void sixArgumentConstructor_leavesNoCountBound() {
    ReleaseColumn sum =
        new ReleaseColumn("cost", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, BigDecimal.TEN);
    assertNull(sum.countUpperBound());
  }

  @Test
  void fractionalCountBound_isRejectedWithItsValue() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ReleaseColumn(
                    "avg",
                    ColumnRole.AVG,
                    1,
                    2,
                    BigDecimal.ZERO,
                    BigDecimal.TEN,
                    new BigDecimal("1.5")));
    assertEquals(
        "countUpperBound of 'avg' must be a positive integer, was 1.5", error.getMessage());
  }

  @Test
  void countBoundOnASum_isRejected() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ReleaseColumn(
                    "cost",
                    ColumnRole.SUM,
                    1,
                    -1,
                    BigDecimal.ZERO,
                    BigDecimal.TEN,
                    BigDecimal.ONE));
    assertEquals("countUpperBound of 'cost' is only for AVG columns, was 1", error.getMessage());
  }
}
