package dev.cleanroom.benchmarks;

import dev.cleanroom.querypolicy.rewrite.ContributionOrder;
import dev.cleanroom.testkit.InMemoryTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;

/**
 * DuckDB in a process of its own over the benchmark's data, as the baseline asks: the
 * tables are written once as Parquet (by a DuckDB in this JVM that is closed at once), the queries
 * as SQL files, and {@link DuckDbAlone} times them in a child JVM while this one waits idle. The
 * queries are the analyst's plain SQL and <em>our private plan</em> unparsed to SQL by Calcite's
 * {@link RelToSqlConverter}, what a team would get by running our rewrite inside DuckDB (as Qrlew
 * and SmartNoise run theirs inside a database). DuckDB has no keyed SipHash and runs no Java, so
 * the plan's contribution-order function is DuckDB's own {@code hash(...)} of the same arguments:
 * the same work per row, unkeyed (so not private, and its ranks differ from ours: only the time
 * compares).
 */
final class DuckDbProcess {
  static final List<String> TABLES =
      List.of("retailer.customers", "advertiser.impressions", "retailer.purchases");

  /** Postgres SQL (which DuckDB reads) with DuckDB's {@code hash} for the contribution order. */
  private static final SqlDialect DIALECT =
      new PostgresqlSqlDialect(PostgresqlSqlDialect.DEFAULT_CONTEXT) {
        @Override
        public void unparseCall(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
          if (call.getOperator().getName().equalsIgnoreCase(ContributionOrder.NAME)) {
            SqlWriter.Frame frame = writer.startFunCall("hash");
            for (SqlNode operand : call.getOperandList()) {
              writer.sep(",");
              operand.unparse(writer, 0, 0);
            }
            writer.endFunCall(frame);
            return;
          }
          super.unparseCall(writer, call, leftPrec, rightPrec);
        }
      };

  private final Path directory;
  private final Map<String, String> queries = new LinkedHashMap<>();

  private DuckDbProcess(Path directory) {
    this.directory = directory;
  }

  /** Writes the tables as Parquet under {@code directory}, through a DuckDB closed afterwards. */
  static DuckDbProcess writeTables(
      Path directory, Map<String, InMemoryTable> tables, BufferAllocator allocator, String memory)
      throws IOException, SQLException {
    Files.createDirectories(directory);
    try (Stream<Path> old = Files.list(directory)) {
      for (Path file : old.toList()) {
        Files.delete(file);
      }
    }
    try (DuckDbEngine writer = new DuckDbEngine(2, memory)) {
      for (String table : TABLES) {
        writer.load(table, tables.get(table), allocator);
        try (Statement statement = writer.connection().createStatement()) {
          statement.execute(
              "COPY "
                  + table
                  + " TO '"
                  + directory.resolve(table + ".parquet")
                  + "' (FORMAT parquet)");
          statement.execute("DROP TABLE " + table);
        }
      }
    }
    return new DuckDbProcess(directory);
  }

  /** The private plan as the SQL DuckDB runs. */
  static String unparse(RelNode plan) {
    return new RelToSqlConverter(DIALECT)
        .visitRoot(plan)
        .asStatement()
        .toSqlString(DIALECT)
        .getSql();
  }

  /** Adds a query to run, under a name that orders the output. */
  void add(String name, String sql) throws IOException {
    queries.put(name, sql);
    Files.writeString(directory.resolve(name + ".sql"), sql, StandardCharsets.UTF_8);
  }

  /** Median seconds per query name, from one child JVM that ran them all. */
  Map<String, Double> run(int threads, String memory, int warmUps, int iterations)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DuckDbAlone.class.getName());
    command.add(directory.toString());
    command.add(Integer.toString(threads));
    command.add(memory);
    command.add(Integer.toString(warmUps));
    command.add(Integer.toString(iterations));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Map<String, Double> medians = new LinkedHashMap<>();
    try (BufferedReader output =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = output.readLine()) != null) {
        if (line.startsWith("result ")) {
          String[] parts = line.split(" ");
          medians.put(parts[1], Double.parseDouble(parts[2]));
          System.out.printf(
              Locale.ROOT,
              "DuckDB alone (own JVM) %s: median %s s, %s rows, each: %s%n",
              parts[1],
              parts[2],
              parts[3],
              String.join(" ", List.of(parts).subList(4, parts.length)));
        } else if (line.startsWith("loaded ")) {
          System.out.println("DuckDB alone (own JVM) " + line + " (from Parquet, not timed)");
        } else if (!line.startsWith("SLF4J")) {
          System.out.println("DuckDB alone: " + line);
        }
      }
    }
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IllegalStateException("DuckDB's own JVM ended with " + exit);
    }
    for (String name : queries.keySet()) {
      if (!medians.containsKey(name)) {
        throw new IllegalStateException("DuckDB's own JVM did not time " + name);
      }
    }
    return medians;
  }
}
