package dev.cleanroom.server.budget;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one query charges: {@code epsilon} on the analyst's account of every dataset it reads, and
 * with each on the account all analysts of that dataset share, under the dataset's limits, in the
 * refresh periods that contain {@code at}. One instant serves both the reservation and the
 * remaining figure of the answer, so the two always speak of the same period.
 *
 * @param accounts the analyst's account of each dataset read, with the limits of its policy
 */
public record QueryCharge(
    Map<BudgetAccount, BudgetLimit> accounts, BigDecimal epsilon, Instant at) {
  public QueryCharge {
    accounts = Collections.unmodifiableMap(new LinkedHashMap<>(accounts));
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("a query charges at least one account");
    }
    requireNonNull(epsilon, "epsilon is null");
    requireNonNull(at, "at is null");
  }
}
