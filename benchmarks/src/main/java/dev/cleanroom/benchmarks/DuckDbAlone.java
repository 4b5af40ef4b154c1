package dev.cleanroom.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * DuckDB alone in its own JVM, as a team would run it: loads the benchmark's tables from the
 * Parquet files {@link DuckDbProcess} wrote into its own storage (not timed), then runs each query
 * file of the directory ({@code <name>.sql}, in name order) {@code warmUps + iterations} times and
 * prints one line per query: {@code result <name> <median seconds> <rows> <each time>}. Arguments:
 * directory threads memoryLimit warmUps iterations.
 */
public final class DuckDbAlone {
  private DuckDbAlone() {}

  public static void main(String[] args) throws IOException, SQLException {
    Path directory = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    String memoryLimit = args[2];
    int warmUps = Integer.parseInt(args[3]);
    int iterations = Integer.parseInt(args[4]);
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("SET threads TO " + threads);
      statement.execute("SET memory_limit = '" + memoryLimit + "'");
      statement.execute("CREATE SCHEMA retailer");
      statement.execute("CREATE SCHEMA advertiser");
      long start = System.nanoTime();
      for (String table : DuckDbProcess.TABLES) {
        statement.execute(
            "CREATE TABLE "
                + table
                + " AS SELECT * FROM read_parquet('"
                + directory.resolve(table + ".parquet")
                + "')");
      }
      System.out.printf(Locale.ROOT, "loaded %.1f s%n", (System.nanoTime() - start) / 1e9);
      List<Path> queries;
      try (Stream<Path> files = Files.list(directory)) {
        queries = files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
      }
      for (Path query : queries) {
        String sql = Files.readString(query, StandardCharsets.UTF_8);
        double[] times = new double[iterations];
        long rows = 0;
        for (int i = -warmUps; i < iterations; i++) {
          start = System.nanoTime();
          rows = 0;
          try (ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
              rows++;
            }
          }
          if (i >= 0) {
            times[i] = (System.nanoTime() - start) / 1e9;
          }
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        String name = query.getFileName().toString().replace(".sql", "");
        StringBuilder each = new StringBuilder();
        for (double time : times) {
          each.append(String.format(Locale.ROOT, " %.3f", time));
        }
        System.out.printf(Locale.ROOT, "result %s %.6f %d%s%n", name, median, rows, each);
      }
    }
  }
}
