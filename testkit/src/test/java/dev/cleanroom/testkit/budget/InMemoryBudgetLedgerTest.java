package dev.cleanroom.testkit.budget;

import dev.cleanroom.querypolicy.budget.BudgetLedger;

/** The in-memory ledger holds to the contract every ledger does. */
class InMemoryBudgetLedgerTest extends BudgetLedgerContract {
  private final InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();

  @Override
  protected BudgetLedger ledger() {
    return ledger;
  }
}
