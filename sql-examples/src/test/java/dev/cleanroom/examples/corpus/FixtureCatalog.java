package dev.cleanroom.examples.corpus;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PolicyJson;
import dev.cleanroom.querypolicy.policy.PolicyReferences;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * The fixture tables (CSV under fixtures/, whose header declares each column's type), read through
 * the connectors' ingest as the server reads an upload, and the demo policies.
 */
final class FixtureCatalog {
  static final TableName CUSTOMERS = TableName.parse("retailer.customers");
  static final TableName IMPRESSIONS = TableName.parse("advertiser.impressions");
  static final TableName PURCHASES = TableName.parse("retailer.purchases");
  static final List<TableName> TABLES = List.of(CUSTOMERS, IMPRESSIONS, PURCHASES);

  /**
   * The purpose every corpus case is asked for: the demo's purchases record consent by purpose, and
   * the fixture's consent to measurement is true on every row, so the cases' rows are the same.
   */
  static final String PURPOSE = "measurement";

  /** The member the demo policies allow to ask. */
  private static final String ANALYST = "advertiser";

  private FixtureCatalog() {}

  /** The declared columns of {@code table}, from its fixture's header ({@code name:TYPE,...}). */
  static DatasetSchema columns(TableName table) {
    List<ColumnDefinition> columns = new ArrayList<>();
    for (String field : header(fixture(table)).split(",")) {
      String[] parts = field.split(":", 2);
      columns.add(ColumnDefinition.of(parts[0], parts[1]));
    }
    return new DatasetSchema(columns);
  }

  /** Every fixture table, {@code batchRows} rows to an Arrow batch. */
  static Map<TableName, InMemoryTable> tables(int batchRows, BufferAllocator allocator) {
    Map<TableName, InMemoryTable> tables = new LinkedHashMap<>();
    for (TableName table : TABLES) {
      String fixture = fixture(table);
      // The upload's header names the columns; the fixture's also types them.
      String upload =
          String.join(",", columns(table).names()) + fixture.substring(header(fixture).length());
      tables.put(table, InMemoryTable.ingested(columns(table), upload, batchRows, allocator));
    }
    return tables;
  }

  /** A root schema of one sub-schema per member, holding {@code tables} by dataset name. */
  static SchemaPlus catalog(Map<TableName, ? extends Table> tables) {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    Map<String, SchemaPlus> members = new HashMap<>();
    tables.forEach(
        (name, table) ->
            members
                .computeIfAbsent(name.member(), member -> root.add(member, new AbstractSchema()))
                .add(name.dataset(), table));
    return root;
  }

  /**
   * The demo policies, checked as the server checks a policy on approval: every table, column and
   * analyst they name exists.
   */
  static Map<TableName, DatasetPolicy> policies() {
    Map<TableName, Set<String>> declared = new HashMap<>();
    TABLES.forEach(table -> declared.put(table, Set.copyOf(columns(table).names())));
    PolicyReferences references = new PolicyReferences(declared, Set.of(ANALYST));
    Map<TableName, DatasetPolicy> policies = new HashMap<>();
    for (TableName table : TABLES) {
      DatasetPolicy policy = PolicyJson.read(resource("demo/policies/" + table + ".json"));
      List<PolicyJson.Problem> problems = references.problems(policy);
      if (!problems.isEmpty()) {
        throw new IllegalStateException("the demo policy of " + table + ": " + problems);
      }
      policies.put(policy.table(), policy);
    }
    return policies;
  }

  /** The text of the fixture of {@code table}, its typed header first. */
  static String fixture(TableName table) {
    return resource("fixtures/" + table + ".csv");
  }

  static String resource(String path) {
    try (InputStream in = FixtureCatalog.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String header(String csv) {
    return csv.substring(0, csv.indexOf('\n'));
  }
}
