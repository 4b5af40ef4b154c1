package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.TableName;

/**
 * An equi-join this table's provider allows: {@code this.column = other.otherColumn}. A join is
 * accepted only when both tables' policies declare it.
 */
public record AllowedJoin(String column, TableName other, String otherColumn) {

  public AllowedJoin {
    requireNonNull(column, "column is null");
    requireNonNull(other, "other is null");
    requireNonNull(otherColumn, "otherColumn is null");
  }
}
