package dev.cleanroom.examples.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Writes the demo tables as the CSV files a retailer and an advertiser would upload. */
public final class DemoCsv {
  public static final String CUSTOMERS_HEADER =
      "customer_id,email,email_hash,zip,age_band,loyalty_tier,lifetime_spend,opted_out";
  public static final String IMPRESSIONS_HEADER =
      "impression_id,email_hash,campaign_id,ts,clicked,cost";
  public static final String PURCHASES_HEADER =
      "customer_id,ts,category,channel,amount,opted_out,consent_measurement,consent_targeting";

  private DemoCsv() {}

  public static void writeCustomers(DemoDataGenerator.Customers customers, Path file)
      throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeCustomers(customers, out);
    }
  }

  public static void writeCustomers(DemoDataGenerator.Customers c, Writer writer)
      throws IOException {
    BufferedWriter out = new BufferedWriter(writer);
    out.write(CUSTOMERS_HEADER);
    out.write('\n');
    for (int i = 0; i < c.size(); i++) {
      out.write(
          c.customerId()[i]
              + ","
              + c.email()[i]
              + ","
              + c.emailHash()[i]
              + ","
              + c.zip()[i]
              + ","
              + c.ageBand()[i]
              + ","
              + c.loyaltyTier()[i]
              + ","
              + c.lifetimeSpend()[i]
              + ","
              + c.optedOut()[i]
              + "\n");
    }
    out.flush();
  }

  public static void writeImpressions(DemoDataGenerator.Impressions impressions, Path file)
      throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeImpressions(impressions, out);
    }
  }

  public static void writeImpressions(DemoDataGenerator.Impressions m, Writer writer)
      throws IOException {
    BufferedWriter out = new BufferedWriter(writer);
    out.write(IMPRESSIONS_HEADER);
    out.write('\n');
    for (int i = 0; i < m.size(); i++) {
      out.write(
          m.impressionId()[i]
              + ","
              + m.emailHash()[i]
              + ","
              + m.campaignId()[i]
              + ","
              + timestamp(m.tsMicros()[i])
              + ","
              + m.clicked()[i]
              + ","
              + m.cost()[i]
              + "\n");
    }
    out.flush();
  }

  public static void writePurchases(DemoDataGenerator.Purchases purchases, Path file)
      throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writePurchases(purchases, out);
    }
  }

  public static void writePurchases(DemoDataGenerator.Purchases p, Writer writer)
      throws IOException {
    BufferedWriter out = new BufferedWriter(writer);
    out.write(PURCHASES_HEADER);
    out.write('\n');
    for (int i = 0; i < p.size(); i++) {
      out.write(
          p.customerId()[i]
              + ","
              + timestamp(p.tsMicros()[i])
              + ","
              + p.category()[i]
              + ","
              + p.channel()[i]
              + ","
              + p.amount()[i]
              + ","
              + p.optedOut()[i]
              + ","
              + p.consentMeasurement()[i]
              + ","
              + p.consentTargeting()[i]
              + "\n");
    }
    out.flush();
  }

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

  /** The declared TIMESTAMP text form, no zone: {@code 2026-01-05 13:07:00}. */
  static String timestamp(long micros) {
    Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L));
    return TIMESTAMP.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }
}
