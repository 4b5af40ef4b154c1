package dev.cleanroom.server.budget;

import dev.cleanroom.querypolicy.budget.BudgetLedger;
import dev.cleanroom.testkit.budget.BudgetLedgerContract;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** The ledger in PostgreSQL holds to the contract every ledger does. */
@QuarkusTest
class JdbcBudgetLedgerContractTest extends BudgetLedgerContract {
  @Inject JdbcBudgetLedger ledger;

  @Override
  protected BudgetLedger ledger() {
    return ledger;
  }
}
