package dev.cleanroom.examples.demo;

import static java.util.Objects.requireNonNull;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Generates the demo collaboration's three tables, deterministically from a seed, at any scale.
 *
 * <p>The same seed and sizes always give the same rows, so the demo, the examples and the
 * benchmarks agree. E-mail fingerprints come from the caller (the server passes the client-side
 * tool's HMAC fingerprint under the demo secret), so this class depends on nothing.
 */
public final class DemoDataGenerator {
  public static final long DEFAULT_SEED = 20_261_122L;

  static final String[] AGE_BANDS = {"18-24", "25-34", "35-44", "45-54", "55-64", "65+"};
  static final String[] LOYALTY_TIERS = {"bronze", "silver", "gold", "platinum"};
  static final int ZIP_CODES = 200;
  static final int CAMPAIGNS = 12;
  static final String[] CATEGORIES = {"grocery", "apparel", "home", "electronics", "beauty"};
  static final String[] CHANNELS = {"store", "online"};

  /** Percent of customers who consent to their purchases being used for measurement. */
  static final int MEASUREMENT_CONSENT_PERCENT = 90;

  /** Percent of customers who consent to their purchases being used for targeting. */
  static final int TARGETING_CONSENT_PERCENT = 55;

  /** Impressions are spread over the 12 weeks that start on this day. */
  static final LocalDateTime FIRST_IMPRESSION = LocalDateTime.of(2026, 1, 5, 0, 0);

  static final long FIRST_IMPRESSION_MICROS =
      FIRST_IMPRESSION.toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
  static final long TWELVE_WEEKS_MICROS = 12L * 7 * 24 * 3600 * 1_000_000L;

  /** Purchases start a week before the first impression and end with the last one. */
  static final long FIRST_PURCHASE_MICROS = FIRST_IMPRESSION_MICROS - 7L * 24 * 3600 * 1_000_000L;

  static final long THIRTEEN_WEEKS_MICROS = 13L * 7 * 24 * 3600 * 1_000_000L;
  static final long FOURTEEN_DAYS_MICROS = 14L * 24 * 3600 * 1_000_000L;

  private final long seed;
  private final UnaryOperator<String> fingerprint;

  /**
   * @param seed the seed of every random choice
   * @param fingerprint turns a normalised e-mail into the join-key fingerprint stored in both
   *     tables
   */
  public DemoDataGenerator(long seed, UnaryOperator<String> fingerprint) {
    this.seed = seed;
    this.fingerprint = requireNonNull(fingerprint, "fingerprint is null");
  }

  /** The e-mail of customer number {@code index}; impressions of unknown people use negatives. */
  public static String email(long index) {
    return index >= 0 ? "customer" + index + "@example.com" : "visitor" + (-index) + "@example.org";
  }

  /** {@code customerCount} customers, about 8% of them opted out. */
  public Customers customers(int customerCount) {
    if (customerCount < 0) {
      throw new IllegalArgumentException("customerCount must be >= 0, was " + customerCount);
    }
    SplittableRandom random = new SplittableRandom(seed);
    long[] customerId = new long[customerCount];
    String[] email = new String[customerCount];
    String[] emailHash = new String[customerCount];
    String[] zip = new String[customerCount];
    String[] ageBand = new String[customerCount];
    String[] loyaltyTier = new String[customerCount];
    double[] lifetimeSpend = new double[customerCount];
    boolean[] optedOut = new boolean[customerCount];
    for (int i = 0; i < customerCount; i++) {
      customerId[i] = 1_000_000L + i;
      email[i] = email(i);
      emailHash[i] = fingerprint.apply(email[i]);
      zip[i] = String.format("%05d", 10_000 + random.nextInt(ZIP_CODES) * 37);
      ageBand[i] = AGE_BANDS[skewed(random, AGE_BANDS.length)];
      loyaltyTier[i] = LOYALTY_TIERS[skewed(random, LOYALTY_TIERS.length)];
      // Cents, so sums are exact in any engine; a few big spenders above the policy bound.
      lifetimeSpend[i] = Math.round(Math.exp(random.nextDouble(3.0, 9.6)) * 100) / 100.0;
      optedOut[i] = random.nextInt(100) < 8;
    }
    return new Customers(
        customerId, email, emailHash, zip, ageBand, loyaltyTier, lifetimeSpend, optedOut);
  }

  /**
   * {@code impressionCount} impressions; about 80% are of known customers (some customers see
   * hundreds of ads), the rest of people the retailer does not know.
   */
  public Impressions impressions(Customers customers, int impressionCount) {
    requireNonNull(customers, "customers is null");
    if (impressionCount < 0) {
      throw new IllegalArgumentException("impressionCount must be >= 0, was " + impressionCount);
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int customerCount = customers.size();
    long[] impressionId = new long[impressionCount];
    int[] customerIndex = new int[impressionCount];
    String[] emailHash = new String[impressionCount];
    String[] campaignId = new String[impressionCount];
    long[] tsMicros = new long[impressionCount];
    boolean[] clicked = new boolean[impressionCount];
    double[] cost = new double[impressionCount];
    for (int i = 0; i < impressionCount; i++) {
      impressionId[i] = 5_000_000_000L + i;
      if (customerCount > 0 && random.nextInt(100) < 80) {
        // Squaring a uniform draw favours low indexes: a few heavy viewers, a long tail.
        double u = random.nextDouble();
        int index = (int) (u * u * customerCount);
        customerIndex[i] = index;
        emailHash[i] = customers.emailHash()[index];
      } else {
        customerIndex[i] = -1;
        emailHash[i] = fingerprint.apply(email(-1L - random.nextInt(Math.max(1, customerCount))));
      }
      int campaign = skewed(random, CAMPAIGNS);
      campaignId[i] = "c" + (campaign + 1);
      tsMicros[i] =
          FIRST_IMPRESSION_MICROS
              + (random.nextLong(TWELVE_WEEKS_MICROS) / 1_000_000L) * 1_000_000L;
      clicked[i] = random.nextInt(1000) < 15 + campaign * 3;
      cost[i] = (50 + random.nextInt(950)) / 10_000.0 * (campaign % 3 + 1);
      cost[i] = Math.round(cost[i] * 10_000) / 10_000.0;
    }
    return new Impressions(
        impressionId, customerIndex, emailHash, campaignId, tsMicros, clicked, cost);
  }

  /**
   * {@code purchaseCount} purchases of known customers (many per person), over the thirteen weeks
   * from a week before the first impression. About a quarter are made within fourteen days after
   * the buyer's first impression, more often apparel, so that exposure shows in the sales; each
   * purchase carries its buyer's consent flags, as the retailer exports them: the opt-out, and
   * consent for measurement (most buyers) and for targeting (fewer), drawn per customer from a
   * stream of their own, so the rest of the data does not change with them.
   */
  public Purchases purchases(Customers customers, Impressions impressions, int purchaseCount) {
    requireNonNull(customers, "customers is null");
    requireNonNull(impressions, "impressions is null");
    if (purchaseCount < 0) {
      throw new IllegalArgumentException("purchaseCount must be >= 0, was " + purchaseCount);
    }
    int customerCount = customers.size();
    long[] firstImpression = new long[customerCount];
    java.util.Arrays.fill(firstImpression, Long.MAX_VALUE);
    int exposedCount = 0;
    for (int i = 0; i < impressions.size(); i++) {
      int index = impressions.customerIndex()[i];
      if (index >= 0) {
        if (firstImpression[index] == Long.MAX_VALUE) {
          exposedCount++;
        }
        firstImpression[index] = Math.min(firstImpression[index], impressions.tsMicros()[i]);
      }
    }
    int[] exposed = new int[exposedCount];
    for (int i = 0, next = 0; i < customerCount; i++) {
      if (firstImpression[i] != Long.MAX_VALUE) {
        exposed[next++] = i;
      }
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    // Without customers there is no one to buy.
    int rows = customerCount == 0 ? 0 : purchaseCount;
    long[] customerId = new long[rows];
    long[] tsMicros = new long[rows];
    String[] category = new String[rows];
    String[] channel = new String[rows];
    double[] amount = new double[rows];
    boolean[] optedOut = new boolean[rows];
    boolean[] consentMeasurement = new boolean[rows];
    boolean[] consentTargeting = new boolean[rows];
    SplittableRandom consents = new SplittableRandom(seed ^ 0x5DEECE66DL);
    boolean[] measurementOf = new boolean[customerCount];
    boolean[] targetingOf = new boolean[customerCount];
    for (int c = 0; c < customerCount; c++) {
      measurementOf[c] = consents.nextInt(100) < MEASUREMENT_CONSENT_PERCENT;
      targetingOf[c] = consents.nextInt(100) < TARGETING_CONSENT_PERCENT;
    }
    for (int i = 0; i < rows; i++) {
      int index;
      long ts;
      if (exposedCount > 0 && random.nextInt(100) < 25) {
        index = exposed[random.nextInt(exposedCount)];
        ts = firstImpression[index] + random.nextLong(FOURTEEN_DAYS_MICROS);
        category[i] = random.nextInt(100) < 40 ? "apparel" : CATEGORIES[skewed(random, 5)];
      } else {
        double u = random.nextDouble();
        index = (int) (u * u * customerCount);
        ts = FIRST_PURCHASE_MICROS + random.nextLong(THIRTEEN_WEEKS_MICROS);
        category[i] = CATEGORIES[skewed(random, CATEGORIES.length)];
      }
      customerId[i] = customers.customerId()[index];
      tsMicros[i] = (ts / 1_000_000L) * 1_000_000L;
      channel[i] = CHANNELS[random.nextInt(100) < 65 ? 0 : 1];
      // Cents; a few baskets above the policy's bound of 1000.
      amount[i] = Math.round(Math.exp(random.nextDouble(1.5, 7.2)) * 100) / 100.0;
      optedOut[i] = customers.optedOut()[index];
      consentMeasurement[i] = measurementOf[index];
      consentTargeting[i] = targetingOf[index];
    }
    return new Purchases(
        customerId,
        tsMicros,
        category,
        channel,
        amount,
        optedOut,
        consentMeasurement,
        consentTargeting);
  }

  /** An index in {@code [0, n)}, lower values more likely, so groups differ in size. */
  private static int skewed(SplittableRandom random, int n) {
    double u = random.nextDouble();
    return Math.min(n - 1, (int) (n * u * (0.5 + 0.5 * u)));
  }

  /** The columns of {@code retailer.customers}, one array per column. */
  public record Customers(
      long[] customerId,
      String[] email,
      String[] emailHash,
      String[] zip,
      String[] ageBand,
      String[] loyaltyTier,
      double[] lifetimeSpend,
      boolean[] optedOut) {
    public int size() {
      return customerId.length;
    }
  }

  /**
   * The columns of {@code retailer.purchases}.
   *
   * @param tsMicros the timestamp, microseconds since the epoch, UTC, no time zone
   * @param optedOut the buyer's opt-out flag, copied from the customer
   * @param consentMeasurement whether the buyer consented to measurement (the same on each of their
   *     purchases)
   * @param consentTargeting whether the buyer consented to targeting
   */
  public record Purchases(
      long[] customerId,
      long[] tsMicros,
      String[] category,
      String[] channel,
      double[] amount,
      boolean[] optedOut,
      boolean[] consentMeasurement,
      boolean[] consentTargeting) {
    public int size() {
      return customerId.length;
    }
  }

  /**
   * The columns of {@code advertiser.impressions}; {@code customerIndex} (not a column of the
   * table) says which customer an impression belongs to, {@code -1} for unknown people.
   *
   * @param tsMicros the timestamp, microseconds since the epoch, UTC, no time zone
   */
  public record Impressions(
      long[] impressionId,
      int[] customerIndex,
      String[] emailHash,
      String[] campaignId,
      long[] tsMicros,
      boolean[] clicked,
      double[] cost) {
    public int size() {
      return impressionId.length;
    }
  }
}
