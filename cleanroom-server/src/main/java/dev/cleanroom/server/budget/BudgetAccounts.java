package dev.cleanroom.server.budget;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetArithmetic;
import dev.cleanroom.querypolicy.budget.BudgetLedger;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.dataset.Dataset;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which budget accounts a query charges and what they have left. Per dataset read, a query charges
 * the analyst's own account and, with it, the account all analysts of the dataset share ({@link
 * BudgetAccount#datasetAccount()}), under the limits of the dataset's policy: {@code budget} for
 * the analyst, {@code datasetBudget} for all analysts together, both renewed by {@code
 * budgetRefresh}.
 */
@ApplicationScoped
public class BudgetAccounts {
  private final BudgetLedger ledger;
  private final Clock clock;

  @Inject
  public BudgetAccounts(BudgetLedger ledger, Clock clock) {
    this.ledger = ledger;
    this.clock = clock;
  }

  /**
   * The analyst's figures on one dataset in the refresh period that contains {@code at}.
   *
   * @param spent what the analyst has spent (or holds reserved)
   * @param remaining what the analyst can still spend: its own rest, or the shared rest if less
   * @param sharedSpent what all analysts together have spent (or hold reserved)
   * @param sharedRemaining what is left of the shared ceiling, never negative
   * @param period the refresh period's key
   */
  public record Balance(
      BigDecimal spent,
      BigDecimal remaining,
      BigDecimal sharedSpent,
      BigDecimal sharedRemaining,
      BudgetLimit limit,
      String period) {}

  /**
   * What a query of {@code analyst} costs that reads {@code datasets}, each under its policy:
   * {@code epsilon} on each dataset's accounts, in the refresh periods of this instant.
   */
  public QueryCharge chargeOf(
      Caller analyst, Map<Dataset, DatasetPolicy> datasets, BigDecimal epsilon) {
    Map<BudgetAccount, BudgetLimit> accounts = new LinkedHashMap<>();
    datasets.forEach(
        (dataset, policy) -> accounts.put(accountOf(analyst, dataset), limitOf(policy)));
    return new QueryCharge(accounts, epsilon, clock.instant());
  }

  /** The prefix of a template's budget line where a dataset's account names its table. */
  public static final String TEMPLATE_LINE_PREFIX = "template:";

  /**
   * {@code charge} with the budget line of template {@code name} added: an account of the analyst
   * and, shared by every analyst, of the template, each limited to {@code total} for the
   * collaboration's whole life, reserved with the datasets' accounts or not at all.
   */
  public QueryCharge withTemplateLine(
      QueryCharge charge, Caller analyst, String name, BigDecimal total) {
    Map<BudgetAccount, BudgetLimit> accounts = new LinkedHashMap<>(charge.accounts());
    accounts.put(
        new BudgetAccount(analyst.collaboration(), analyst.member(), TEMPLATE_LINE_PREFIX + name),
        new BudgetLimit(total, total, BudgetRefresh.NONE));
    return new QueryCharge(accounts, charge.epsilon(), charge.at());
  }

  /**
   * Reserves the charge on every account, or on none.
   *
   * @throws dev.cleanroom.querypolicy.PolicyException {@code BUDGET_EXHAUSTED} when an account, of
   *     the analyst or of all analysts, would be overspent
   */
  public Settlement reserve(QueryCharge charge) {
    return new Settlement(ledger, ledger.reserve(charge.accounts(), charge.epsilon(), charge.at()));
  }

  /**
   * What the analyst can still spend on the datasets of the charge: per dataset the smaller of its
   * own rest and the rest all analysts share, and of those the least.
   */
  public BigDecimal remaining(QueryCharge charge) {
    return least(remainingByAccount(charge));
  }

  /** The least of what is left on each account: what the analyst can still spend on them all. */
  public static BigDecimal least(Map<BudgetAccount, BigDecimal> remaining) {
    return BudgetArithmetic.plain(
        remaining.values().stream().reduce(BigDecimal::min).orElseThrow());
  }

  /**
   * What the analyst can still spend on each dataset of the charge: the smaller of its own rest and
   * the rest all analysts share.
   */
  public Map<BudgetAccount, BigDecimal> remainingByAccount(QueryCharge charge) {
    Map<BudgetAccount, BigDecimal> remaining = new LinkedHashMap<>();
    charge
        .accounts()
        .forEach(
            (account, limit) ->
                remaining.put(account, ledger.remaining(account, limit, charge.at())));
    return remaining;
  }

  /** The analyst's own and the shared figures on {@code dataset}, under {@code policy}. */
  public Balance balance(Caller analyst, Dataset dataset, DatasetPolicy policy, Instant at) {
    BudgetLimit limit = limitOf(policy);
    BudgetAccount account = accountOf(analyst, dataset);
    BigDecimal spent = ledger.spent(account, limit, at);
    BigDecimal sharedSpent = ledger.spentByAllAnalysts(account.datasetAccount(), limit, at);
    return new Balance(
        spent,
        BudgetArithmetic.plain(BudgetArithmetic.remaining(spent, sharedSpent, limit)),
        sharedSpent,
        BudgetArithmetic.plain(BudgetArithmetic.remaining(sharedSpent, limit.datasetTotal())),
        limit,
        BudgetArithmetic.periodKey(limit.refresh(), at));
  }

  private static BudgetLimit limitOf(DatasetPolicy policy) {
    return new BudgetLimit(
        policy.privacy().budget(),
        policy.privacy().datasetBudget(),
        policy.privacy().budgetRefresh());
  }

  private static BudgetAccount accountOf(Caller analyst, Dataset dataset) {
    return new BudgetAccount(analyst.collaboration(), analyst.member(), dataset.table());
  }
}
