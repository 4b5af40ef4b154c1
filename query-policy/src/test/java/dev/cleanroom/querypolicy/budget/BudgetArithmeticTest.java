package dev.cleanroom.querypolicy.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
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
    BigDecimal total = new BigDecimal("0.3");
    BigDecimal spent = new BigDecimal("0.1").add(new BigDecimal("0.1"));
    // 0.1 + 0.1 + 0.1 with doubles is 0.30000000000000004 and would be refused.
    assertTrue(BudgetArithmetic.fits(spent, new BigDecimal("0.1"), total));
    assertFalse(BudgetArithmetic.fits(spent, new BigDecimal("0.1000001"), total));
  }

  @Test
  void remaining_neverNegative() {
    assertEquals(
        0,
        BigDecimal.ZERO.compareTo(BudgetArithmetic.remaining(new BigDecimal("2"), BigDecimal.ONE)));
  }

  @Test
  void remainingOfAnAnalyst_isTheSmallerOfItsOwnAndTheSharedRest() {
    BudgetLimit limit =
        new BudgetLimit(new BigDecimal("2"), new BigDecimal("5"), BudgetRefresh.NONE);
    // Own budget binds: 2 - 0.5 = 1.5 < 5 - 1.
    assertEquals(
        new BigDecimal("1.5"),
        BudgetArithmetic.remaining(new BigDecimal("0.5"), BigDecimal.ONE, limit));
    // The shared ceiling binds: 5 - 4.5 = 0.5 < 2 - 0.5.
    assertEquals(
        new BigDecimal("0.5"),
        BudgetArithmetic.remaining(new BigDecimal("0.5"), new BigDecimal("4.5"), limit));
  }

  @Test
  void plain_dropsTrailingZerosWithoutAnExponent() {
    assertEquals("10", BudgetArithmetic.plain(new BigDecimal("10.000000000000")).toString());
    assertEquals("0.5", BudgetArithmetic.plain(new BigDecimal("0.500000000000")).toString());
    assertEquals("0", BudgetArithmetic.plain(new BigDecimal("0.0")).toString());
  }

  @Test
  void reservationMixingAnalysts_isRefused() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BudgetArithmetic.requireOneAnalyst(
                    List.of(
                        new BudgetAccount("demo", "advertiser", "retailer.customers"),
                        new BudgetAccount("demo", "agency", "advertiser.impressions"))));
    assertEquals(
        "a reservation is one analyst's in one collaboration, not both 'advertiser' in 'demo'"
            + " and 'agency' in 'demo'",
        error.getMessage());
  }
}
