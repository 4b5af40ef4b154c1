package dev.cleanroom.engine;

import dev.cleanroom.spi.TableName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.RelNode;

/**
 * Runs a private plan exactly: plan + bound tables + limits -> rows. The policy layer builds the
 * plan (docs/ARCHITECTURE.md, "The private plan"); an engine adds nothing to it and leaves nothing
 * out. Noise, release and accounting stay with the caller, so an engine never decides anything
 * privacy-relevant beyond computing the plan's rows.
 *
 * <p>Contract of every implementation:
 *
 * <ul>
 *   <li>Rows are the plan's row type in docs/ARCHITECTURE.md's Java mapping (BIGINT as {@code
 *       Long}, INTEGER as {@code Integer}, DATE as {@code Integer} days, TIMESTAMP as {@code Long}
 *       milliseconds, ...), in no particular order: the release step orders them.
 *   <li>A scan of {@code [member, dataset]} reads {@code tables.get(new TableName(member,
 *       dataset))}; a table the plan scans that is not supplied is {@link
 *       ExecutionErrorCode#TABLE_NOT_FOUND}.
 *   <li>A query stays within {@link ExecutionLimits#maxMemoryBytes()} or fails with {@link
 *       ExecutionErrorCode#MEMORY_LIMIT_EXCEEDED}, and stops soon after its thread is interrupted
 *       ({@link ExecutionErrorCode#INTERRUPTED}).
 *   <li>Every failure is an {@link ExecutionException} whose message names operators, tables and
 *       columns, never a value; a plan shape the engine does not implement is {@link
 *       ExecutionErrorCode#UNSUPPORTED_PLAN} or {@link ExecutionErrorCode#UNSUPPORTED_EXPRESSION},
 *       decided on the plan alone, never on the data (an engine may find out part-way through a
 *       run, but would find out the same on any data).
 *   <li>Implementations are thread-safe: one instance serves every query of the process.
 * </ul>
 */
public interface Engine {
  /** A short name for logs, metrics and the audit log, e.g. {@code vectorized}. */
  String name();

  /**
   * The form of table this engine reads: {@link ArrowTableData} (loaded into the server's memory)
   * for the in-process engines, {@link ParquetTableData} (left in shared storage) for an engine
   * outside the server's process. {@link #execute} is given every table in this form.
   */
  default Class<? extends TableData> reads() {
    return ArrowTableData.class;
  }

  /**
   * Checks, before a query is charged, that the engine can run plans now: an engine outside the
   * server's process (Spark) checks that its cluster answers. Never reads data, so its outcome does
   * not depend on anyone's rows.
   *
   * @throws ExecutionException {@link ExecutionErrorCode#ENGINE_UNAVAILABLE} when it cannot
   */
  default void checkAvailable() {}

  /**
   * Lets the engine compute what it keeps per table version before the first query reads it (the
   * vectorized executor's string dictionaries, for example), for the columns in {@code columns}.
   * Optional: a query prepares what it needs anyway. {@code table} never changes its data.
   *
   * @return the columns among {@code columns} the engine keeps something for (what {@link #save}
   *     would write of them); none when it keeps nothing
   */
  default Set<String> prepare(ArrowTableData table, Set<String> columns) {
    return Set.of();
  }

  /**
   * Writes what the engine keeps of {@code table} so far from {@link #prepare} and from queries
   * (the vectorized executor's string dictionaries and codes) to {@code out}, in the engine's own
   * format, so that a later load of the same stored version reads it back with {@link #restore}
   * instead of computing it again. Reads only what the engine keeps, never the table's batches, so
   * it may run after the table is closed. Optional: an engine that keeps nothing writes nothing.
   *
   * @return the columns written; none when there was nothing to write
   */
  default Set<String> save(ArrowTableData table, OutputStream out) throws IOException {
    return Set.of();
  }

  /**
   * Reads back what {@link #save} wrote for a table with the same data as {@code table} and keeps
   * it, as {@link #prepare} would have computed it.
   *
   * @return the columns restored
   * @throws IOException when {@code in} is not what this engine wrote for such a table (another
   *     format, another table, cut short); nothing is kept then
   */
  default Set<String> restore(ArrowTableData table, InputStream in) throws IOException {
    return Set.of();
  }

  /**
   * Lets the engine compute what it keeps for joins of column {@code column} of {@code table} with
   * column {@code otherColumn} of {@code other} (the vectorized executor's translations between the
   * two columns' string dictionaries, both ways), before the first query joins them. Optional: a
   * query prepares what it needs anyway. Neither table ever changes its data; a column that a table
   * lacks or that is not a string has nothing to prepare.
   *
   * @return whether the engine keeps something for this join (false when there is nothing to
   *     prepare)
   */
  default boolean prepareJoin(
      ArrowTableData table, String column, ArrowTableData other, String otherColumn) {
    return false;
  }

  /**
   * Runs {@code plan} over {@code tables} within {@code limits}.
   *
   * @return one array per row, values in the plan's row type
   * @throws ExecutionException when the plan cannot be run or fails
   */
  List<Object[]> execute(
      RelNode plan, Map<TableName, ? extends TableData> tables, ExecutionLimits limits);
}
