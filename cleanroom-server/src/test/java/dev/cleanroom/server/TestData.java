package dev.cleanroom.server;

import dev.cleanroom.connectors.crypto.Fingerprinter;
import dev.cleanroom.connectors.crypto.SharedSecret;
import dev.cleanroom.examples.demo.DemoCsv;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.demodata.DemoArrow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.RootAllocator;

/**
 * Demo-shaped test data. Join keys are fingerprinted on the "client" with the shared secret, as the
 * retailer's encryption tool does, so the server only ever sees fingerprints.
 */
public final class TestData {
  public static final String SHARED_SECRET = "test-shared-secret-0123456789";

  private TestData() {}

  public static DemoDataGenerator generator(String collaboration) {
    Fingerprinter fingerprinter =
        Fingerprinter.create(SharedSecret.fromText(SHARED_SECRET), collaboration, "email");
    return new DemoDataGenerator(
        DemoDataGenerator.DEFAULT_SEED, email -> fingerprinter.fingerprint(email).orElseThrow());
  }

  public static String customersCsv(DemoDataGenerator.Customers customers) {
    StringWriter out = new StringWriter();
    try {
      DemoCsv.writeCustomers(customers, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Impressions as an Arrow IPC stream (their timestamps keep full precision). */
  public static byte[] impressionsArrow(DemoDataGenerator.Impressions impressions) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RootAllocator allocator = new RootAllocator()) {
      DemoArrow.writeImpressions(impressions, out, allocator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String resource(String name) {
    try (InputStream in = TestData.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The demo policy of a table, for the tests' collaborations of customers and impressions: the
   * customers' allowed join with the purchases, which those collaborations do not declare, is left
   * out (a policy may not allow a join with a table that is not there).
   */
  public static String demoPolicy(String table) {
    String policy = resource("demo/policies/" + table + ".json");
    if (!table.equals("retailer.customers")) {
      return policy;
    }
    String withoutPurchases =
        policy.replaceAll(
            ",\\s*\\{\"column\": \"customer_id\", \"other\": \"retailer.purchases\","
                + " \"otherColumn\": \"customer_id\"\\}",
            "");
    if (withoutPurchases.equals(policy)) {
      throw new IllegalStateException("the demo customers policy no longer joins the purchases");
    }
    return withoutPurchases;
  }

  /**
   * The demo policy of a table without its allowed joins, for a collaboration that declares only
   * that table (a policy may not allow a join with a table that is not there).
   */
  public static String demoPolicyWithoutJoins(String table) {
    String policy = demoPolicy(table);
    String withoutJoins =
        policy.replaceAll("\"allowedJoins\": \\[[^\\]]*\\]", "\"allowedJoins\": []");
    if (withoutJoins.equals(policy)) {
      throw new IllegalStateException("the demo policy of " + table + " lists no allowed joins");
    }
    return withoutJoins;
  }
}
