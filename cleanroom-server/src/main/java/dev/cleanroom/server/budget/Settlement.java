package dev.cleanroom.server.budget;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.budget.BudgetLedger;
import dev.cleanroom.querypolicy.budget.BudgetLedger.Reservation;

/**
 * One query's reservation, settled at most once: the first commit or refund decides, later calls do
 * nothing. A settlement that fails leaves the reservation reserved, which counts as spent.
 */
public final class Settlement {
  private final BudgetLedger ledger;
  private final Reservation reservation;
  private boolean settled;

  Settlement(BudgetLedger ledger, Reservation reservation) {
    this.ledger = requireNonNull(ledger, "ledger is null");
    this.reservation = requireNonNull(reservation, "reservation is null");
  }

  /** Keeps the epsilon spent. */
  public synchronized void commit() {
    if (!settled) {
      settled = true;
      ledger.commit(reservation);
    }
  }

  /** Gives the epsilon back: only for a failure that cannot depend on the data. */
  public synchronized void refund() {
    if (!settled) {
      settled = true;
      ledger.refund(reservation);
    }
  }
}
