package dev.cleanroom.querypolicy.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BudgetArithmeticTest {

  @Test
  void periodKeys_areUtcDayIsoWeekMonthAndLifetime() {
    Instant sundayLate = Instant.parse("2026-11-22T23:59:59Z");
    assertEquals("lifetime", BudgetArithmetic.periodKey(BudgetRefresh.NONE, sundayLate));
    assertEquals("2026-11-22", BudgetArithmetic.periodKey(BudgetRefresh.DAILY, sundayLate));
    assertEquals("2026-W47", BudgetArithmetic.periodKey(BudgetRefresh.WEEKLY, sundayLate));
    assertEquals("2026-11", BudgetArithmetic.periodKey(BudgetRefresh.MONTHLY, sundayLate));
  }

  @Test
  void weekKey_changesOnMondayMidnightUtc() {
    assertEquals(
        "2026-W48",
        BudgetArithmetic.periodKey(BudgetRefresh.WEEKLY, Instant.parse("2026-11-23T00:00:00Z")));
    // ISO week-based year: 2027-01-01 is a Friday in week 53 of 2026.
    assertEquals(
        "2026-W53",
        BudgetArithmetic.periodKey(BudgetRefresh.WEEKLY, Instant.parse("2027-01-01T12:00:00Z")));
  }

  @Test
  void fits_isExactWithDecimals() {
    BudgetLimit limit = new BudgetLimit(new BigDecimal("0.3"), BudgetRefresh.NONE);
    BigDecimal spent = new BigDecimal("0.1").add(new BigDecimal("0.1"));
    // 0.1 + 0.1 + 0.1 with doubles is 0.30000000000000004 and would be refused.
    assertTrue(BudgetArithmetic.fits(spent, new BigDecimal("0.1"), limit));
    assertFalse(BudgetArithmetic.fits(spent, new BigDecimal("0.1000001"), limit));
  }

  @Test
  void remaining_neverNegative() {
    BudgetLimit limit = new BudgetLimit(BigDecimal.ONE, BudgetRefresh.NONE);
    assertEquals(
        0, BigDecimal.ZERO.compareTo(BudgetArithmetic.remaining(new BigDecimal("2"), limit)));
  }
}
