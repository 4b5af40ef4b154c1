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

  /**
   * Keeps the epsilon spent.
   *
   * @return whether this call settled the reservation (false if it was settled before)
   */
  public synchronized boolean commit() {
    if (settled) {
      return false;
    }
    settled = true;
    ledger.commit(reservation);
    return true;
  }

  /**
   * Gives the epsilon back: only for a failure that cannot depend on the data.
   *
   * @return whether this call settled the reservation (false if it was settled before)
   */
  public synchronized boolean refund() {
    if (settled) {
      return false;
    }
    settled = true;
    ledger.refund(reservation);
    return true;
  }
}
