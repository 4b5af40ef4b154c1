package dev.cleanroom.server.budget;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetArithmetic;
import dev.cleanroom.querypolicy.budget.BudgetLedger;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The budget ledger in PostgreSQL. A reservation locks the balance row of every account it touches
 * ({@code SELECT ... FOR UPDATE}, in a fixed order so two reservations cannot deadlock), checks the
 * limit and adds the epsilon in the same transaction: concurrent queries never overspend.
 */
@ApplicationScoped
public class JdbcBudgetLedger implements BudgetLedger {
  private static final Comparator<BudgetAccount> LOCK_ORDER =
      Comparator.comparing(BudgetAccount::collaboration)
          .thenComparing(BudgetAccount::analyst)
          .thenComparing(BudgetAccount::dataset);

  private final Jdbc jdbc;

  @Inject
  public JdbcBudgetLedger(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Reservation reserve(
      Map<BudgetAccount, BudgetLimit> accounts, BigDecimal epsilon, Instant now) {
    BudgetArithmetic.requirePositive(epsilon);
    String id = UUID.randomUUID().toString();
    return jdbc.inTransaction(
        connection -> {
          Map<BudgetAccount, String> periods = new LinkedHashMap<>();
          List<BudgetAccount> ordered = accounts.keySet().stream().sorted(LOCK_ORDER).toList();
          for (BudgetAccount account : ordered) {
            BudgetLimit limit = accounts.get(account);
            String period = BudgetArithmetic.periodKey(limit.refresh(), now);
            BigDecimal spent = lockBalance(connection, account, period);
            if (!BudgetArithmetic.fits(spent, epsilon, limit)) {
              // Throwing rolls the whole transaction back: nothing is reserved on any account.
              throw BudgetArithmetic.exhausted(account, spent, epsilon, limit);
            }
            addToBalance(connection, account, period, epsilon);
            insertReservation(connection, id, account, period, epsilon);
            periods.put(account, period);
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
          List<BudgetAccount> ordered =
              reservation.periods().keySet().stream().sorted(LOCK_ORDER).toList();
          for (BudgetAccount account : ordered) {
            String period = reservation.periods().get(account);
            // Only a still-open reservation gives its epsilon back, and only once.
            int changed;
            try (PreparedStatement statement =
                connection.prepareStatement(
                    "update budget_reservation set status = 'REFUNDED' where id = ?"
                        + " and collaboration = ? and analyst = ? and dataset = ?"
                        + " and status = 'RESERVED'")) {
              statement.setString(1, reservation.id());
              bindAccount(statement, 2, account);
              changed = statement.executeUpdate();
            }
            if (changed == 1) {
              lockBalance(connection, account, period);
              addToBalance(connection, account, period, reservation.epsilon().negate());
            }
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
            try (ResultSet row = statement.executeQuery()) {
              return row.next() ? row.getBigDecimal(1).stripTrailingZeros() : BigDecimal.ZERO;
            }
          }
        });
  }

  private static BigDecimal lockBalance(Connection connection, BudgetAccount account, String period)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into budget_balance (collaboration, analyst, dataset, period, spent)"
                + " values (?, ?, ?, ?, 0) on conflict do nothing")) {
      bindAccount(statement, 1, account);
      statement.setString(4, period);
      statement.executeUpdate();
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select spent from budget_balance where collaboration = ? and analyst = ?"
                + " and dataset = ? and period = ? for update")) {
      bindAccount(statement, 1, account);
      statement.setString(4, period);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getBigDecimal(1);
      }
    }
  }

  private static void addToBalance(
      Connection connection, BudgetAccount account, String period, BigDecimal epsilon)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update budget_balance set spent = spent + ? where collaboration = ? and analyst = ?"
                + " and dataset = ? and period = ?")) {
      statement.setBigDecimal(1, epsilon);
      bindAccount(statement, 2, account);
      statement.setString(5, period);
      statement.executeUpdate();
    }
  }

  private static void insertReservation(
      Connection connection, String id, BudgetAccount account, String period, BigDecimal epsilon)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into budget_reservation"
                + " (id, collaboration, analyst, dataset, period, epsilon, status)"
                + " values (?, ?, ?, ?, ?, ?, 'RESERVED')")) {
      statement.setString(1, id);
      bindAccount(statement, 2, account);
      statement.setString(5, period);
      statement.setBigDecimal(6, epsilon);
      statement.executeUpdate();
    }
  }

  private static void bindAccount(PreparedStatement statement, int first, BudgetAccount account)
      throws SQLException {
    statement.setString(first, account.collaboration());
    statement.setString(first + 1, account.analyst());
    statement.setString(first + 2, account.dataset());
  }
}
