package dev.cleanroom.querypolicy.budget;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;

/**
 * The rules every ledger shares, as pure functions, so the in-memory ledger and a database-backed
 * one decide identically: which refresh period an instant falls in, and whether a spend fits.
 */
public final class BudgetArithmetic {

  /** The period key of a budget that never refreshes. */
  public static final String LIFETIME = "lifetime";

  private BudgetArithmetic() {}

  /**
   * A stable key of the refresh period that contains {@code now}, in UTC: {@code lifetime}, {@code
   * 2026-11-22} (day), {@code 2026-W47} (ISO week, from Monday) or {@code 2026-11} (month).
   */
  public static String periodKey(BudgetRefresh refresh, Instant now) {
    requireNonNull(refresh, "refresh is null");
    requireNonNull(now, "now is null");
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return switch (refresh) {
      case NONE -> LIFETIME;
      case DAILY -> day.toString();
      case WEEKLY ->
          String.format(
              "%04d-W%02d",
              day.get(IsoFields.WEEK_BASED_YEAR), day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case MONTHLY -> String.format("%04d-%02d", day.getYear(), day.getMonthValue());
    };
  }

  /** Whether spending {@code epsilon} more on top of {@code spent} stays within the limit. */
  public static boolean fits(BigDecimal spent, BigDecimal epsilon, BudgetLimit limit) {
    requireNonNull(spent, "spent is null");
    requireNonNull(epsilon, "epsilon is null");
    requireNonNull(limit, "limit is null");
    return spent.add(epsilon).compareTo(limit.total()) <= 0;
  }

  /** What is left of the limit after {@code spent}, never negative. */
  public static BigDecimal remaining(BigDecimal spent, BudgetLimit limit) {
    return limit.total().subtract(spent).max(BigDecimal.ZERO);
  }

  /** Fails unless {@code epsilon} is a positive amount. */
  public static void requirePositive(BigDecimal epsilon) {
    requireNonNull(epsilon, "epsilon is null");
    if (epsilon.signum() <= 0) {
      throw new PolicyException(
          PolicyErrorCode.INVALID_PRIVACY_PARAMETER,
          "epsilon to reserve must be > 0, was " + epsilon);
    }
  }

  /** The error a refused reservation raises; names the account, never data. */
  public static PolicyException exhausted(
      BudgetAccount account, BigDecimal spent, BigDecimal epsilon, BudgetLimit limit) {
    return new PolicyException(
        PolicyErrorCode.BUDGET_EXHAUSTED,
        "the privacy budget of analyst '"
            + account.analyst()
            + "' on dataset '"
            + account.dataset()
            + "' in collaboration '"
            + account.collaboration()
            + "' is exhausted: "
            + remaining(spent, limit).toPlainString()
            + " of "
            + limit.total().toPlainString()
            + " left, the query needs "
            + epsilon.toPlainString());
  }
}
