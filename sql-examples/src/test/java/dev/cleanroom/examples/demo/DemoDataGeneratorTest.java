package dev.cleanroom.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoDataGeneratorTest {
  private static final DemoDataGenerator GENERATOR =
      new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, email -> "h:" + email);

  @Test
  void sameSeed_sameRows() {
    DemoDataGenerator.Customers first = GENERATOR.customers(500);
    DemoDataGenerator.Customers second =
        new DemoDataGenerator(DemoDataGenerator.DEFAULT_SEED, email -> "h:" + email).customers(500);
    assertArrayEquals(first.zip(), second.zip());
    assertArrayEquals(first.lifetimeSpend(), second.lifetimeSpend());
    assertArrayEquals(
        GENERATOR.impressions(first, 2_000).emailHash(),
        GENERATOR.impressions(second, 2_000).emailHash());
  }

  @Test
  void otherSeed_otherRows() {
    DemoDataGenerator other = new DemoDataGenerator(7, email -> "h:" + email);
    assertFalse(Arrays.equals(GENERATOR.customers(500).zip(), other.customers(500).zip()));
  }

  @Test
  void impressions_joinCustomersThroughTheFingerprint() {
    DemoDataGenerator.Customers customers = GENERATOR.customers(1_000);
    DemoDataGenerator.Impressions impressions = GENERATOR.impressions(customers, 10_000);
    Set<String> customerHashes = new HashSet<>(Arrays.asList(customers.emailHash()));
    int matched = 0;
    for (int i = 0; i < impressions.size(); i++) {
      boolean known = impressions.customerIndex()[i] >= 0;
      assertEquals(known, customerHashes.contains(impressions.emailHash()[i]), "row " + i);
      matched += known ? 1 : 0;
    }
    assertTrue(matched > 7_500 && matched < 8_500, "about 80% match, was " + matched);
  }

  @Test
  void customers_haveAllDimensionValuesAndSomeOptOuts() {
    DemoDataGenerator.Customers customers = GENERATOR.customers(5_000);
    assertEquals(
        Set.of(DemoDataGenerator.AGE_BANDS), new HashSet<>(Arrays.asList(customers.ageBand())));
    assertEquals(
        Set.of(DemoDataGenerator.LOYALTY_TIERS),
        new HashSet<>(Arrays.asList(customers.loyaltyTier())));
    long optedOut = 0;
    for (boolean b : customers.optedOut()) {
      optedOut += b ? 1 : 0;
    }
    assertTrue(optedOut > 250 && optedOut < 550, "about 8% opted out, was " + optedOut);
  }

  @Test
  void csv_hasHeaderAndOneLinePerRow() throws Exception {
    DemoDataGenerator.Customers customers = GENERATOR.customers(3);
    StringWriter out = new StringWriter();
    DemoCsv.writeCustomers(customers, out);
    String[] lines = out.toString().split("\n");
    assertEquals(4, lines.length);
    assertEquals(DemoCsv.CUSTOMERS_HEADER, lines[0]);
    assertTrue(lines[1].startsWith("1000000,customer0@example.com,h:customer0@example.com,"));
    assertEquals(
        "2026-01-05 00:00:00", DemoCsv.timestamp(DemoDataGenerator.FIRST_IMPRESSION_MICROS));
  }

  @Test
  void purchases_belongToCustomers_carryTheirConsent_andFollowExposure() {
    DemoDataGenerator.Customers customers = GENERATOR.customers(1_000);
    DemoDataGenerator.Impressions impressions = GENERATOR.impressions(customers, 10_000);
    DemoDataGenerator.Purchases purchases = GENERATOR.purchases(customers, impressions, 20_000);
    assertEquals(20_000, purchases.size());
    long[] firstImpression = new long[customers.size()];
    Arrays.fill(firstImpression, Long.MAX_VALUE);
    for (int i = 0; i < impressions.size(); i++) {
      int index = impressions.customerIndex()[i];
      if (index >= 0) {
        firstImpression[index] = Math.min(firstImpression[index], impressions.tsMicros()[i]);
      }
    }
    int withinTwoWeeksOfExposure = 0;
    Set<Long> buyers = new HashSet<>();
    java.util.Map<Long, List<Boolean>> consents = new java.util.HashMap<>();
    int measured = 0;
    int targeted = 0;
    for (int i = 0; i < purchases.size(); i++) {
      int index = (int) (purchases.customerId()[i] - 1_000_000L);
      assertEquals(customers.optedOut()[index], purchases.optedOut()[i], "row " + i);
      // Consent is the buyer's: the same on each of their purchases.
      List<Boolean> flags =
          List.of(purchases.consentMeasurement()[i], purchases.consentTargeting()[i]);
      assertEquals(
          consents.computeIfAbsent(purchases.customerId()[i], id -> flags), flags, "row " + i);
      measured += purchases.consentMeasurement()[i] ? 1 : 0;
      targeted += purchases.consentTargeting()[i] ? 1 : 0;
      assertTrue(Set.of(DemoDataGenerator.CATEGORIES).contains(purchases.category()[i]));
      assertTrue(Set.of(DemoDataGenerator.CHANNELS).contains(purchases.channel()[i]));
      assertEquals(0, purchases.tsMicros()[i] % 1_000_000L, "whole seconds");
      long sinceExposure = purchases.tsMicros()[i] - firstImpression[index];
      if (sinceExposure >= 0 && sinceExposure < DemoDataGenerator.FOURTEEN_DAYS_MICROS) {
        withinTwoWeeksOfExposure++;
      }
      buyers.add(purchases.customerId()[i]);
    }
    // A quarter are drawn after exposure, and some of the rest fall there by chance.
    assertTrue(
        withinTwoWeeksOfExposure > 5_000 && withinTwoWeeksOfExposure < 9_000,
        "purchases within two weeks of exposure: " + withinTwoWeeksOfExposure);
    assertTrue(buyers.size() > 300, "many rows per person, many people: " + buyers.size());
    // Most buyers consent to measurement, fewer to targeting: the demo's two purposes differ.
    assertTrue(measured > 0.8 * purchases.size(), "measurement: " + measured);
    assertTrue(
        targeted < 0.7 * purchases.size() && targeted > 0.4 * purchases.size(),
        "targeting: " + targeted);
    assertArrayEquals(
        purchases.amount(), GENERATOR.purchases(customers, impressions, 20_000).amount());
  }

  @Test
  void purchases_withoutCustomers_areEmpty() {
    DemoDataGenerator.Customers none = GENERATOR.customers(0);
    assertEquals(0, GENERATOR.purchases(none, GENERATOR.impressions(none, 10), 50).size());
  }

  @Test
  void purchasesCsv_hasHeaderAndOneLinePerRow() throws Exception {
    DemoDataGenerator.Customers customers = GENERATOR.customers(10);
    DemoDataGenerator.Purchases purchases =
        GENERATOR.purchases(customers, GENERATOR.impressions(customers, 100), 5);
    StringWriter out = new StringWriter();
    DemoCsv.writePurchases(purchases, out);
    String[] lines = out.toString().split("\n");
    assertEquals(6, lines.length);
    assertEquals(DemoCsv.PURCHASES_HEADER, lines[0]);
    assertTrue(
        lines[1].matches(
            "100000\\d,20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,[a-z]+,[a-z]+,[0-9.]+,(true|false),(true|false),(true|false)"),
        lines[1]);
  }
}
