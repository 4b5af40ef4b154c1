package dev.cleanroom.server.demodata;

import dev.cleanroom.connectors.crypto.Fingerprinter;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.dataset.DeclaredColumn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The demo's three tables generated from its seed, their join keys fingerprinted by a given
 * fingerprinter; with the demo's declared columns and approved policies. The demo loader uploads
 * them; the engine's warm-up at the start asks its questions of them.
 */
public record DemoTables(
    DemoDataGenerator.Customers customers,
    DemoDataGenerator.Impressions impressions,
    DemoDataGenerator.Purchases purchases) {

  /** The first {@code customers}, {@code impressions} and {@code purchases} rows of the demo. */
  public static DemoTables generate(
      Fingerprinter fingerprinter, int customers, int impressions, int purchases) {
    DemoDataGenerator generator =
        new DemoDataGenerator(
            DemoDataGenerator.DEFAULT_SEED,
            email -> fingerprinter.fingerprint(email).orElseThrow());
    DemoDataGenerator.Customers customerRows = generator.customers(customers);
    DemoDataGenerator.Impressions impressionRows = generator.impressions(customerRows, impressions);
    return new DemoTables(
        customerRows, impressionRows, generator.purchases(customerRows, impressionRows, purchases));
  }

  /** The columns of {@code schema} as a provider declares them. */
  public static List<DeclaredColumn> columns(DatasetSchema schema) {
    return schema.columns().stream()
        .map(column -> new DeclaredColumn(column.name(), column.type().toString()))
        .toList();
  }

  /** The demo's approved policy of {@code table} ({@code member.dataset}), as JSON. */
  public static String policyJson(String table) {
    String resource = "demo/policies/" + table + ".json";
    try (InputStream in = DemoTables.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("demo resource missing: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
