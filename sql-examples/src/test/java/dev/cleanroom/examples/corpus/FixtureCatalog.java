package dev.cleanroom.examples.corpus;

import dev.cleanroom.querypolicy.engine.InMemoryTable;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PolicyCatalog;
import dev.cleanroom.querypolicy.policy.PolicyJson;
import dev.cleanroom.spi.ColumnType;
import dev.cleanroom.spi.TableName;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;

/** The fixture tables (CSV under fixtures/) in a Calcite schema, and the demo policies. */
final class FixtureCatalog {
  static final List<TableName> TABLES =
      List.of(TableName.parse("retailer.customers"), TableName.parse("advertiser.impressions"));

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private FixtureCatalog() {}

  static SchemaPlus schema() throws IOException {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    Map<String, SchemaPlus> members = new HashMap<>();
    for (TableName table : TABLES) {
      SchemaPlus member =
          members.computeIfAbsent(table.member(), m -> root.add(m, new AbstractSchema()));
      member.add(table.dataset(), table(resource("fixtures/" + table + ".csv")));
    }
    return root;
  }

  static Map<TableName, DatasetPolicy> policies() throws IOException {
    Map<TableName, DatasetPolicy> policies = new HashMap<>();
    for (TableName table : TABLES) {
      DatasetPolicy policy = PolicyJson.read(resource("demo/policies/" + table + ".json"));
      policies.put(policy.table(), policy);
    }
    return new PolicyCatalog(policies).policies();
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = FixtureCatalog.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static InMemoryTable table(String csv) {
    List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
    List<InMemoryTable.Column> columns = new ArrayList<>();
    for (String header : lines.get(0).split(",")) {
      String[] parts = header.split(":");
      columns.add(new InMemoryTable.Column(parts[0], new ColumnType(parts[1])));
    }
    List<Object[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",", -1);
      Object[] row = new Object[columns.size()];
      for (int i = 0; i < columns.size(); i++) {
        row[i] = fields[i].isEmpty() ? null : value(columns.get(i).type().name(), fields[i]);
      }
      rows.add(row);
    }
    return new InMemoryTable(columns, rows);
  }

  private static Object value(String type, String text) {
    return switch (type) {
      case "BIGINT" -> Long.parseLong(text);
      case "INTEGER" -> Integer.parseInt(text);
      case "DOUBLE" -> Double.parseDouble(text);
      case "BOOLEAN" -> Boolean.parseBoolean(text);
      case "DATE" -> (int) LocalDate.parse(text).toEpochDay();
      case "TIMESTAMP" ->
          LocalDateTime.parse(text, TIMESTAMP).toInstant(ZoneOffset.UTC).toEpochMilli();
      case "VARCHAR" -> text;
      default -> new BigDecimal(text);
    };
  }
}
