package dev.cleanroom.server.budget;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetArithmetic;
import dev.cleanroom.querypolicy.budget.BudgetLedger;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import dev.cleanroom.querypolicy.budget.DatasetAccount;
import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The budget ledger in PostgreSQL. A reservation locks the balance row of every account it touches
 * ({@code SELECT ... FOR UPDATE}), checks both limits and adds the epsilon in the same transaction:
 * concurrent queries, of one analyst or of several, never overspend.
 *
 * <p>Every transaction locks balance rows in one global order, so two of them cannot deadlock:
 * first the dataset rows shared by all analysts ({@code budget_dataset_balance}) by dataset and
 * period, then the analyst's own rows ({@code budget_balance}) by dataset and period. A reservation
 * is one analyst's in one collaboration, so that order is total over the rows it locks.
 *
 * <p>The server's {@link BudgetLedger} bean: everything but its own test depends on the interface.
 */
@ApplicationScoped
public class JdbcBudgetLedger implements BudgetLedger {
  private static final Comparator<Charge> LOCK_ORDER =
      Comparator.comparing((Charge charge) -> charge.account().dataset())
          .thenComparing(Charge::period);

  /** One account of a reservation and the period it is charged in. */
  private record Charge(BudgetAccount account, String period) {}

  private final Jdbc jdbc;

  @Inject
  public JdbcBudgetLedger(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Reservation reserve(
      Map<BudgetAccount, BudgetLimit> accounts, BigDecimal epsilon, Instant now) {
    BudgetArithmetic.requirePositive(epsilon);
    BudgetArithmetic.requireOneAnalyst(accounts.keySet());
    List<Charge> charges =
        accounts.entrySet().stream()
            .map(
                entry ->
                    new Charge(
                        entry.getKey(),
                        BudgetArithmetic.periodKey(entry.getValue().refresh(), now)))
            .sorted(LOCK_ORDER)
            .toList();
    String id = UUID.randomUUID().toString();
    return jdbc.inTransaction(
        connection -> {
          List<BigDecimal> sharedSpent = new ArrayList<>();
          for (Charge charge : charges) {
            sharedSpent.add(lockDatasetBalance(connection, charge));
          }
          List<BigDecimal> ownSpent = new ArrayList<>();
          for (Charge charge : charges) {
            ownSpent.add(lockAnalystBalance(connection, charge));
          }
          // Throwing rolls the whole transaction back: nothing is reserved on any account.
          for (int i = 0; i < charges.size(); i++) {
            BudgetAccount account = charges.get(i).account();
            BudgetLimit limit = accounts.get(account);
            if (!BudgetArithmetic.fits(ownSpent.get(i), epsilon, limit.analystTotal())) {
              throw BudgetArithmetic.exhausted(
                  account, ownSpent.get(i), epsilon, limit.analystTotal());
            }
            if (!BudgetArithmetic.fits(sharedSpent.get(i), epsilon, limit.datasetTotal())) {
              throw BudgetArithmetic.exhausted(
                  account.datasetAccount(), sharedSpent.get(i), epsilon, limit.datasetTotal());
            }
          }
          Map<BudgetAccount, String> periods = new LinkedHashMap<>();
          for (Charge charge : charges) {
            addToBalances(connection, charge, epsilon);
            insertReservation(connection, id, charge, epsilon);
            periods.put(charge.account(), charge.period());
          }
          return new Reservation(id, periods, epsilon);
        });
  }

  @Override
  public void commit(Reservation reservation) {
    jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update budget_reservation set status = 'COMMITTED'"
                      + " where id = ? and status = 'RESERVED'")) {
            statement.setString(1, reservation.id());
            statement.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void refund(Reservation reservation) {
    jdbc.inTransaction(
        connection -> {
          // Only a still-open reservation gives its epsilon back, and only once; the stored rows,
          // not the caller's copy, say what to give back. After a concurrent commit this finds no
          // row to refund.
          List<Charge> refunded = new ArrayList<>();
          BigDecimal epsilon = null;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update budget_reservation set status = 'REFUNDED'"
                      + " where id = ? and status = 'RESERVED'"
                      + " returning collaboration, analyst, dataset, period, epsilon")) {
            statement.setString(1, reservation.id());
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                refunded.add(
                    new Charge(
                        new BudgetAccount(rows.getString(1), rows.getString(2), rows.getString(3)),
                        rows.getString(4)));
                epsilon = rows.getBigDecimal(5);
              }
            }
          }
          List<Charge> ordered = refunded.stream().sorted(LOCK_ORDER).toList();
          for (Charge charge : ordered) {
            lockDatasetBalance(connection, charge);
          }
          for (Charge charge : ordered) {
            lockAnalystBalance(connection, charge);
          }
          for (Charge charge : ordered) {
            addToBalances(connection, charge, epsilon.negate());
          }
          return null;
        });
  }

  @Override
  public BigDecimal spent(BudgetAccount account, BudgetLimit limit, Instant now) {
    String period = BudgetArithmetic.periodKey(limit.refresh(), now);
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select spent from budget_balance where collaboration = ? and analyst = ?"
                      + " and dataset = ? and period = ?")) {
            bindAccount(statement, 1, account);
            statement.setString(4, period);
            return spentOrZero(statement);
          }
        });
  }

  @Override
  public BigDecimal spentByAllAnalysts(DatasetAccount account, BudgetLimit limit, Instant now) {
    String period = BudgetArithmetic.periodKey(limit.refresh(), now);
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select spent from budget_dataset_balance where collaboration = ?"
                      + " and dataset = ? and period = ?")) {
            statement.setString(1, account.collaboration());
            statement.setString(2, account.dataset());
            statement.setString(3, period);
            return spentOrZero(statement);
          }
        });
  }

  /** Creates the shared balance row of the charge's dataset if needed, locks it, reads it. */
  private static BigDecimal lockDatasetBalance(Connection connection, Charge charge)
      throws SQLException {
    DatasetAccount account = charge.account().datasetAccount();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into budget_dataset_balance (collaboration, dataset, period, spent)"
                + " values (?, ?, ?, 0) on conflict do nothing")) {
      statement.setString(1, account.collaboration());
      statement.setString(2, account.dataset());
      statement.setString(3, charge.period());
      statement.executeUpdate();
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select spent from budget_dataset_balance where collaboration = ? and dataset = ?"
                + " and period = ? for update")) {
      statement.setString(1, account.collaboration());
      statement.setString(2, account.dataset());
      statement.setString(3, charge.period());
      return spentOrZero(statement);
    }
  }

  /** Creates the analyst's own balance row if needed, locks it, reads it. */
  private static BigDecimal lockAnalystBalance(Connection connection, Charge charge)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into budget_balance (collaboration, analyst, dataset, period, spent)"
                + " values (?, ?, ?, ?, 0) on conflict do nothing")) {
      bindAccount(statement, 1, charge.account());
      statement.setString(4, charge.period());
      statement.executeUpdate();
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select spent from budget_balance where collaboration = ? and analyst = ?"
                + " and dataset = ? and period = ? for update")) {
      bindAccount(statement, 1, charge.account());
      statement.setString(4, charge.period());
      return spentOrZero(statement);
    }
  }

  /** Adds {@code epsilon} (negative to give back) to the analyst's and the shared balance. */
  private static void addToBalances(Connection connection, Charge charge, BigDecimal epsilon)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update budget_balance set spent = spent + ? where collaboration = ? and analyst = ?"
                + " and dataset = ? and period = ?")) {
      statement.setBigDecimal(1, epsilon);
      bindAccount(statement, 2, charge.account());
      statement.setString(5, charge.period());
      statement.executeUpdate();
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update budget_dataset_balance set spent = spent + ? where collaboration = ?"
                + " and dataset = ? and period = ?")) {
      statement.setBigDecimal(1, epsilon);
      statement.setString(2, charge.account().collaboration());
      statement.setString(3, charge.account().dataset());
      statement.setString(4, charge.period());
      statement.executeUpdate();
    }
  }

  private static void insertReservation(
      Connection connection, String id, Charge charge, BigDecimal epsilon) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into budget_reservation"
                + " (id, collaboration, analyst, dataset, period, epsilon, status)"
                + " values (?, ?, ?, ?, ?, ?, 'RESERVED')")) {
      statement.setString(1, id);
      bindAccount(statement, 2, charge.account());
      statement.setString(5, charge.period());
      statement.setBigDecimal(6, epsilon);
      statement.executeUpdate();
    }
  }

  /** The one {@code spent} the statement selects, written plainly, or zero without a row. */
  private static BigDecimal spentOrZero(PreparedStatement statement) throws SQLException {
    try (ResultSet row = statement.executeQuery()) {
      return row.next() ? BudgetArithmetic.plain(row.getBigDecimal(1)) : BigDecimal.ZERO;
    }
  }

  private static void bindAccount(PreparedStatement statement, int first, BudgetAccount account)
      throws SQLException {
    statement.setString(first, account.collaboration());
    statement.setString(first + 1, account.analyst());
    statement.setString(first + 2, account.dataset());
  }
}
