package dev.cleanroom.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ClientVersion;
import dev.cleanroom.client.session.Console;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.client.session.JsonText;
import dev.cleanroom.client.session.ServerApi;
import dev.cleanroom.client.session.ServerOptions;
import dev.cleanroom.client.session.TextTable;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code query}: asks one SQL query and prints the released rows as a table with the privacy
 * report, or writes them to a CSV, Arrow or Parquet file.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    versionProvider = ClientVersion.class,
    header = "Run one SQL query; print the released rows and the privacy report.",
    sortOptions = false,
    description = {
      "Runs one aggregate SQL query (POST /api/v1/collaborations/{c}/queries) and prints the"
          + " released rows as a table on stdout, followed by the privacy report: epsilon"
          + " charged and left, the minimum people per group, suppressed groups, the noise per"
          + " column.",
      "With --output the rows go to a file instead (CSV and Arrow as the server writes them,"
          + " Parquet written here) and the privacy report still goes to stdout."
    })
public final class QueryCommand implements Callable<Integer> {
  private final Console console;

  @Mixin private ServerOptions server;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SQL",
      description = "the SQL text, or - to read it from stdin")
  private String sql;

  @Option(names = "--sql-file", paramLabel = "FILE", description = "read the SQL from a file")
  private Path sqlFile;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "write the rows to FILE (.csv, .parquet or .arrow)")
  private Path output;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "csv, parquet or arrow (default: from the --output extension)")
  private AnswerFormat format;

  @Option(names = "--json", description = "print the server's JSON answer as it is")
  private boolean json;

  @Option(
      names = "--purpose",
      paramLabel = "PURPOSE",
      description =
          "the purpose the query is asked for (e.g. measurement); datasets that record consent by"
              + " purpose require one and read only the rows consenting to it")
  private String purpose;

  public QueryCommand(Console console) {
    this.console = console;
  }

  /** The request: the SQL and, when given, the purpose. */
  private Map<String, String> body(String text) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("sql", text);
    if (purpose != null) {
      body.put("purpose", purpose);
    }
    return body;
  }

  @Override
  public Integer call() throws IOException {
    String text = sqlText();
    if (json && output != null) {
      throw ClientException.usage("--json prints to stdout; it cannot be combined with --output");
    }
    if (format != null && output == null) {
      throw ClientException.usage("--format chooses the format of --output; give --output");
    }
    ServerApi api = server.connect(console);
    if (output == null) {
      JsonNode answer = api.postJson("/queries", body(text));
      if (json) {
        console
            .out()
            .println(ServerApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
      } else {
        table(answer).print(console.out());
        console.out().println();
        PrivacySummary.print(answer.path("privacy"), console.out());
      }
      return ExitStatus.OK.code();
    }
    AnswerFormat chosen = format != null ? format : AnswerFormat.of(output);
    // The file is prepared before the query runs, so that an unwritable place costs no epsilon.
    Path absolute = output.toAbsolutePath();
    Path temp;
    try {
      temp = Files.createTempFile(absolute.getParent(), ".cleanroom-answer-", ".tmp");
    } catch (IOException e) {
      throw ClientException.usage("cannot write a file next to '" + output + "'");
    }
    HttpResponse<InputStream> response;
    try {
      response =
          api.send(
              api.request("/queries")
                  .header("Content-Type", "application/json")
                  .header("Accept", chosen.accept())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(ServerApi.bytes(body(text))))
                  .build());
    } catch (RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    try {
      JsonNode privacy;
      String written;
      if (chosen == AnswerFormat.PARQUET) {
        JsonNode answer = ServerApi.json(response);
        Files.delete(temp);
        long rows = ParquetAnswerWriter.write(answer, temp);
        privacy = answer.path("privacy");
        written = rows + " rows";
      } else {
        try (InputStream in = response.body()) {
          Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        privacy = privacyHeader(response);
        written = Files.size(temp) + " bytes";
      }
      Files.move(
          temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      console
          .err()
          .println(
              "wrote "
                  + written
                  + " to "
                  + output
                  + " ("
                  + chosen.name().toLowerCase(Locale.ROOT)
                  + ")");
      PrivacySummary.print(privacy, console.out());
      return ExitStatus.OK.code();
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private String sqlText() {
    if ((sql == null) == (sqlFile == null)) {
      throw ClientException.usage("give the SQL as an argument, - for stdin, or --sql-file");
    }
    String text;
    try {
      if (sqlFile != null) {
        text = Files.readString(sqlFile, StandardCharsets.UTF_8);
      } else if (sql.equals("-")) {
        text = new String(console.in().readAllBytes(), StandardCharsets.UTF_8);
      } else {
        text = sql;
      }
    } catch (IOException e) {
      throw ClientException.usage(
          "cannot read the SQL from " + (sqlFile != null ? "'" + sqlFile + "'" : "stdin"));
    }
    if (text.isBlank()) {
      throw ClientException.usage("the SQL is empty");
    }
    return text;
  }

  /** The released rows as a table: numbers right-aligned. */
  static TextTable table(JsonNode answer) {
    List<String> header = new ArrayList<>();
    List<Boolean> numeric = new ArrayList<>();
    for (JsonNode column : answer.path("columns")) {
      header.add(column.path("name").asText());
      numeric.add(isNumeric(column.path("type").asText()));
    }
    TextTable table = new TextTable(header, numeric);
    for (JsonNode row : answer.path("rows")) {
      List<String> cells = new ArrayList<>();
      for (JsonNode cell : row) {
        cells.add(JsonText.of(cell));
      }
      table.add(cells);
    }
    return table;
  }

  private static boolean isNumeric(String sqlType) {
    String type = sqlType.toUpperCase(Locale.ROOT);
    return type.equals("BIGINT")
        || type.equals("INTEGER")
        || type.equals("SMALLINT")
        || type.equals("TINYINT")
        || type.equals("DOUBLE")
        || type.equals("FLOAT")
        || type.equals("REAL")
        || type.startsWith("DECIMAL");
  }

  private static JsonNode privacyHeader(HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue("Cleanroom-Privacy");
    if (header.isEmpty()) {
      return null;
    }
    try {
      return ServerApi.JSON.readTree(header.get());
    } catch (IOException e) {
      return null;
    }
  }
}
