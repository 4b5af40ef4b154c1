package dev.cleanroom.benchmarks;

import dev.cleanroom.examples.demo.DemoCsv;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the demo's customers and impressions at a given scale as the CSV files a provider uploads
 * to the server ({@code customers.csv}, {@code impressions.csv} in a directory), with the
 * benchmark's cheap fingerprints in the server's fingerprint form ({@code fp1:} and 64 hex digits),
 * so that the demo server accepts them and joins the two tables on them. Run: {@code java -cp
 * <benchmarks classpath> dev.cleanroom.benchmarks.DemoCsvFiles customers impressions directory}.
 */
public final class DemoCsvFiles {
  private DemoCsvFiles() {}

  /** The demo's customers and impressions as CSV text. */
  record Texts(String customers, String impressions) {}

  /** The demo's first {@code customerCount} customers and {@code impressionCount} impressions. */
  static Texts texts(int customerCount, int impressionCount) throws IOException {
    DemoDataGenerator generator =
        new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, Fingerprints::inServerForm);
    DemoDataGenerator.Customers customers = generator.customers(customerCount);
    StringWriter customerCsv = new StringWriter();
    DemoCsv.writeCustomers(customers, customerCsv);
    StringWriter impressionCsv = new StringWriter();
    DemoCsv.writeImpressions(generator.impressions(customers, impressionCount), impressionCsv);
    return new Texts(customerCsv.toString(), impressionCsv.toString());
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: DemoCsvFiles <customers> <impressions> <directory>");
      System.exit(2);
    }
    int customerCount = Integer.parseInt(args[0]);
    int impressionCount = Integer.parseInt(args[1]);
    Path directory = Files.createDirectories(Path.of(args[2]));
    DemoDataGenerator generator =
        new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, Fingerprints::inServerForm);
    DemoDataGenerator.Customers customers = generator.customers(customerCount);
    DemoCsv.writeCustomers(customers, directory.resolve("customers.csv"));
    DemoCsv.writeImpressions(
        generator.impressions(customers, impressionCount), directory.resolve("impressions.csv"));
  }
}
