package dev.cleanroom.querypolicy.budget;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.Collection;

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

  /** Whether spending {@code epsilon} more on top of {@code spent} stays within {@code total}. */
  public static boolean fits(BigDecimal spent, BigDecimal epsilon, BigDecimal total) {
    requireNonNull(spent, "spent is null");
    requireNonNull(epsilon, "epsilon is null");
    requireNonNull(total, "total is null");
    return spent.add(epsilon).compareTo(total) <= 0;
  }

  /** What is left of {@code total} after {@code spent}, never negative. */
  public static BigDecimal remaining(BigDecimal spent, BigDecimal total) {
    return total.subtract(spent).max(BigDecimal.ZERO);
  }

  /**
   * What one analyst can still spend: the smaller of what is left of its own budget and of the
   * ceiling shared by all analysts of the dataset.
   */
  public static BigDecimal remaining(
      BigDecimal analystSpent, BigDecimal datasetSpent, BudgetLimit limit) {
    requireNonNull(limit, "limit is null");
    return remaining(analystSpent, limit.analystTotal())
        .min(remaining(datasetSpent, limit.datasetTotal()));
  }

  /**
   * {@code amount} as people write it: without trailing zeros and without an exponent ({@code 10},
   * not {@code 1E+1}), so that JSON and messages show it plainly.
   */
  public static BigDecimal plain(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
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

  /**
   * Fails unless {@code accounts} are one analyst's in one collaboration, and at least one: a
   * reservation is one query's, so it charges each dataset's shared account at most once.
   */
  public static void requireOneAnalyst(Collection<BudgetAccount> accounts) {
    requireNonNull(accounts, "accounts is null");
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("a reservation needs at least one account");
    }
    BudgetAccount first = accounts.iterator().next();
    for (BudgetAccount account : accounts) {
      requireNonNull(account, "account is null");
      if (!account.collaboration().equals(first.collaboration())
          || !account.analyst().equals(first.analyst())) {
        throw new IllegalArgumentException(
            "a reservation is one analyst's in one collaboration, not both '"
                + first.analyst()
                + "' in '"
                + first.collaboration()
                + "' and '"
                + account.analyst()
                + "' in '"
                + account.collaboration()
                + "'");
      }
    }
  }

  /** The error a reservation refused by an analyst's own budget raises; names the account only. */
  public static PolicyException exhausted(
      BudgetAccount account, BigDecimal spent, BigDecimal epsilon, BigDecimal total) {
    return new PolicyException(
        PolicyErrorCode.BUDGET_EXHAUSTED,
        "the privacy budget of analyst '"
            + account.analyst()
            + "' on dataset '"
            + account.dataset()
            + "' in collaboration '"
            + account.collaboration()
            + "' is exhausted: "
            + leftOf(spent, epsilon, total));
  }

  /**
   * The error a reservation refused by a dataset's ceiling shared by all analysts raises; names the
   * dataset only, never another analyst.
   */
  public static PolicyException exhausted(
      DatasetAccount account, BigDecimal spent, BigDecimal epsilon, BigDecimal total) {
    return new PolicyException(
        PolicyErrorCode.BUDGET_EXHAUSTED,
        "the privacy budget all analysts share on dataset '"
            + account.dataset()
            + "' in collaboration '"
            + account.collaboration()
            + "' is exhausted: "
            + leftOf(spent, epsilon, total));
  }

  private static String leftOf(BigDecimal spent, BigDecimal epsilon, BigDecimal total) {
    return plain(remaining(spent, total)).toPlainString()
        + " of "
        + total.toPlainString()
        + " left, the query needs "
        + epsilon.toPlainString();
  }
}
