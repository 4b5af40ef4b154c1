package dev.cleanroom.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.HashSet;
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
}
