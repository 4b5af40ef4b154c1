package dev.cleanroom.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.MovableClock;
import dev.cleanroom.server.TestData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The issue's story in a real browser (Debian's chromium, headless, through chromedriver) against
 * the server on its test port: the privacy officer edits a policy (a refusal shown at its field)
 * and a second officer approves it; the provider declares a dataset and uploads a CSV with a
 * progress bar; the analyst explains a refused query, runs an accepted one and sees its table,
 * chart with 95% intervals, privacy report and budget, downloads it as CSV, and is sent back to the
 * sign-in once the session has been idle too long; the provider then sees who queried its data, and
 * the officer's audit log verifies its chain. Every page is checked for console errors, labels,
 * button names, contrast and keyboard reach; screenshots go to {@code target/screenshots}.
 */
@QuarkusTest
class ConsoleBrowserTest {
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String REACH =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach\n"
          + "FROM advertiser.impressions i JOIN retailer.customers c\n"
          + "  ON i.email_hash = c.email_hash\n"
          + "GROUP BY i.campaign_id";
  private static final String REFUSED =
      "SELECT c.zip,\n       c.email, COUNT(*) AS n\nFROM retailer.customers c GROUP BY c.zip, c.email";

  /** The network lines Chrome logs for an answer the story provokes on purpose. */
  private static final Pattern EXPECTED_REFUSAL =
      Pattern.compile(
          ".*Failed to load resource: the server responded with a status of (401|422|400).*");

  @TestHTTPResource("/")
  URL root;

  @Inject MovableClock clock;

  private ChromeDriver driver;
  private WebDriverWait wait;
  private Path profile;
  private Path downloads;

  @BeforeEach
  void startBrowser() throws IOException {
    if (!Files.isExecutable(CHROMEDRIVER)) {
      // Skipped on a developer's machine without the browser; under CI (.ci/run installs it) a
      // missing browser is a failure, never a silent skip.
      if (System.getenv("CI") != null) {
        fail("CI is set but " + CHROMEDRIVER + " is missing (apt-get install chromium-driver)");
      }
      Assumptions.assumeTrue(
          false, CHROMEDRIVER + " is missing (apt-get install chromium chromium-driver)");
    }
    profile = Files.createTempDirectory("console-chromium-");
    downloads = Files.createTempDirectory("console-downloads-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toString(),
            "download.prompt_for_download",
            false));
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    // Signing out loads a fresh page: an element found just before may be gone when read.
    wait.ignoring(StaleElementReferenceException.class);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterEach
  void stopBrowser() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    for (Path directory : new Path[] {profile, downloads}) {
      if (directory != null) {
        try (Stream<Path> files = Files.walk(directory)) {
          files.sorted((a, b) -> b.compareTo(a)).map(Path::toFile).forEach(File::delete);
        }
      }
    }
  }

  @Test
  void story_officerEditsAndApproves_providerUploads_analystExplainsRunsAndDownloads()
      throws IOException {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    room.declareImpressionsAs("advertiser");
    DemoDataGenerator generator = TestData.generator(room.name());
    DemoDataGenerator.Customers customers = generator.customers(3_000);
    room.upload(
        "advertiser",
        "impressions",
        "application/vnd.apache.arrow.stream",
        TestData.impressionsArrow(generator.impressions(customers, 30_000)));
    room.approvePolicy("customers", TestData.demoPolicy("retailer.customers"), 1);
    room.approvePolicy("impressions", TestData.demoPolicy("advertiser.impressions"), 1);
    Path csv = downloads.getParent().resolve(room.name() + "-customers.csv");
    Files.writeString(csv, TestData.customersCsv(customers), StandardCharsets.UTF_8);

    try {
      officerEditsThePolicy(room);
      secondOfficerApproves(room);
      providerDeclaresAndUploads(room, csv);
      analystExplainsRunsAndDownloads(room);
      providerSeesWhoQueried(room);
      officerSeesTheBudgetsSpent(room);
      analystAsksForAFairnessReport(room);
    } finally {
      Files.deleteIfExists(csv);
    }
  }

  private void officerEditsThePolicy(Collaboration room) throws IOException {
    driver.get(root.toString());
    visible("sign-in-view");
    checkPage("sign-in");
    tabUntilFocused("api-key", 6);
    driver.switchTo().activeElement().sendKeys(room.keys().get("privacy"), Keys.ENTER);
    visible("officer-view");
    assertEquals("Signed in as privacy (privacy officer) in " + room.name(), text("who-text"));

    click(By.cssSelector("button[aria-label='Edit the policy of advertiser.impressions']"));
    visible("policy-editor");
    assertEquals("advertiser.impressions", text("policy-table"));
    assertEquals("50", value("policy-k"));
    assertEquals("0.5", value("policy-epsilon"));

    // A k the server refuses: its sentence appears at the k field, nothing is stored.
    replace("policy-k", "1");
    click(By.id("policy-propose"));
    wait.until(driver -> !text("policy-k-error").isEmpty());
    assertEquals("minimumDistinctUnits must be >= 2, was 1", text("policy-k-error"));
    assertEquals("true", driver.findElement(By.id("policy-k")).getAttribute("aria-invalid"));
    assertEquals(1, rows("policy-versions"));

    replace("policy-k", "60");
    click(By.id("policy-propose"));
    wait.until(driver -> text("policy-status").startsWith("Proposed as version 2"));
    assertEquals("", text("policy-k-error"));
    assertEquals(2, rows("policy-versions"));
    assertTrue(
        driver.findElements(By.id("approve-2")).size() == 1, "the draft offers its approval");

    // What changed from version 1, and what version 2 costs.
    click(By.cssSelector("button[aria-label='Changes of version 2 from version 1']"));
    visible("policy-diff");
    String diff = text("policy-diff-table");
    assertTrue(diff.contains("$.minimumDistinctUnits 50 60"), diff);
    assertFalse(diff.contains("epsilonPerQuery"), diff);
    click(By.id("dry-run-button"));
    visible("policy-cost");
    assertTrue(text("policy-cost-table").contains("0.5 (this version)"), text("policy-cost-table"));
    checkPage("officer");
    tallScreenshot("console-policy", "policy-editor-heading");

    // The audit log: filtered by action, and its chain verified by the server.
    new Select(driver.findElement(By.id("officer-audit-action")))
        .selectByVisibleText("POLICY_APPROVED");
    List<WebElement> approvals =
        driver.findElements(By.cssSelector("#officer-audit-table tbody tr"));
    assertEquals(2, approvals.size(), "the two approvals of the setup");
    for (WebElement approval : approvals) {
      assertEquals("POLICY_APPROVED", approval.findElements(By.tagName("td")).get(3).getText());
    }
    click(By.id("officer-audit-verify"));
    wait.until(driver -> text("officer-audit-verification").startsWith("The chain is intact: "));
    signOut();
  }

  private void secondOfficerApproves(Collaboration room) {
    signIn(room.keys().get("privacy2"));
    visible("officer-view");
    click(By.cssSelector("button[aria-label='Edit the policy of advertiser.impressions']"));
    visible("policy-editor");
    assertEquals("60", value("policy-k"), "the editor starts from the newest version");
    click(By.id("approve-2"));
    wait.until(driver -> text("policy-status").equals("Version 2 is approved and in force."));
    String datasets = text("officer-datasets");
    assertTrue(datasets.contains("advertiser.impressions"), datasets);
    wait.until(
        driver ->
            driver
                .findElement(By.id("policy-versions"))
                .getText()
                .contains("2 approved privacy privacy2"));
    checkPage("officer-approved");
    signOut();
  }

  private void providerDeclaresAndUploads(Collaboration room, Path csv) throws IOException {
    signIn(room.keys().get("retailer"));
    visible("provider-view");
    replace("declare-name", "stores");
    replace("declare-columns", "store_id BIGINT\ncity varchar");
    click(By.id("declare-button"));
    wait.until(
        driver ->
            text("upload-status")
                .equals("Declared retailer.stores. Upload its first version below."));

    // A name the server refuses is shown at the field.
    replace("declare-name", "Stores <b>");
    replace("declare-columns", "id BIGINT");
    click(By.id("declare-button"));
    wait.until(driver -> !text("declare-name-error").isEmpty());
    assertEquals(
        "'name' must be 1 to 63 lower-case letters, digits or '_', starting with a letter",
        text("declare-name-error"));

    new Select(driver.findElement(By.id("upload-dataset")))
        .selectByVisibleText("retailer.customers");
    driver.findElement(By.id("upload-file")).sendKeys(csv.toAbsolutePath().toString());
    click(By.id("upload-button"));
    wait.until(driver -> text("upload-status").equals("Stored retailer.customers version 1."));
    assertEquals("100", value("upload-progress"));
    wait.until(driver -> text("versions-table").contains("retailer.customers 1 3,000 upload"));
    assertTrue(text("versions-table").contains("retailer.stores no data uploaded yet"));

    // One customer's erasure: a new version without its row.
    new Select(driver.findElement(By.id("erase-dataset")))
        .selectByVisibleText("retailer.customers");
    replace("erase-value", "1000007");
    click(By.id("erase-button"));
    wait.until(
        driver ->
            text("erase-status")
                .startsWith(
                    "Stored version 2 without that person: 1 rows removed; deleted the older"
                        + " versions that held them (1). Receipt "));
    wait.until(driver -> text("versions-table").contains("retailer.customers 2 2,999 erasure"));
    checkPage("provider");
    scrollTo("upload-heading");
    screenshot("console-provider");
    signOut();
  }

  private void analystExplainsRunsAndDownloads(Collaboration room) throws IOException {
    signIn(room.keys().get("advertiser"));
    visible("views");
    click(By.id("view-analyst-view"));
    visible("analyst-view");
    tabUntilFocused("run-button", 40);

    // Explain a refused query: the violation at its line and column, with its sentence.
    replace("sql", REFUSED);
    click(By.id("explain-button"));
    wait.until(driver -> !text("query-problems").isEmpty());
    String problems = text("query-problems");
    assertTrue(problems.contains("Line 2, column 8"), problems);
    assertTrue(
        problems.contains("c.email, COUNT(*) AS n\n       ^"),
        "the line of SQL with a caret under the column: " + problems);
    assertTrue(problems.contains("PII"), problems);

    // Markup in SQL and in the server's sentences shows as text; nothing of it runs.
    replace("sql", "SELECT \"<img src=x onerror=window.pwned=1>\" FROM advertiser.impressions");
    click(By.id("explain-button"));
    wait.until(driver -> text("query-problems").contains("<img src=x onerror=window.pwned=1>"));
    assertEquals(
        0,
        driver.findElements(By.cssSelector("#query-problems img, #query-problems script")).size());
    assertEquals(null, driver.executeScript("return window.pwned === undefined ? null : 'ran';"));

    // Run an accepted query: table, chart with an error bar per bar, report, budget.
    replace("sql", REACH);
    click(By.id("run-button"));
    visible("answer");
    int released = rows("answer-table");
    assertTrue(released > 0, "some campaigns are released");
    WebElement chart = driver.findElement(By.id("answer-chart"));
    wait.until(driver -> chart.findElements(By.tagName("canvas")).size() > 0);
    assertEquals(String.valueOf(released), chart.getAttribute("data-bars"));
    assertEquals(String.valueOf(released), chart.getAttribute("data-error-bars"));
    assertTrue(text("answer-table").contains("reach (± 95%)"), text("answer-table"));
    String report = text("privacy-report");
    assertTrue(report.contains("ε spent\n0.5"), report);
    assertTrue(report.contains("ε left\n9.5"), report);
    assertTrue(
        text("budget-table").contains("advertiser.impressions 0.5 9.5 10 0.5"),
        text("budget-table"));
    checkPage("analyst");
    tallScreenshot("console-analyst", "analyst-heading");

    click(By.id("download-csv"));
    wait.until(driver -> text("download-status").startsWith("Downloaded the answer as CSV"));
    Path downloaded = waitForDownload(".csv");
    List<String> lines = Files.readAllLines(downloaded, StandardCharsets.UTF_8);
    assertEquals("campaign_id,reach,reach_low95,reach_high95", lines.get(0));
    assertEquals(released + 1, lines.size());

    // A session idle longer than its timeout sends the browser back to the sign-in.
    clock.moveAhead(Duration.ofMinutes(31));
    try {
      click(By.id("explain-button"));
      visible("sign-in-view");
      assertEquals("Your session has ended. Sign in again.", text("sign-in-notice"));
      assertFalse(driver.findElement(By.id("analyst-view")).isDisplayed());
    } finally {
      clock.reset();
    }
  }

  private void providerSeesWhoQueried(Collaboration room) throws IOException {
    signIn(room.keys().get("retailer"));
    visible("provider-audit-table");
    String events = text("provider-audit-table");
    assertTrue(
        events.contains(
            "advertiser QUERY_ANSWERED advertiser.impressions, retailer.customers SUCCESS 0.5"),
        events);
    assertFalse(events.contains("POLICY_APPROVED"), "queries only, by default: " + events);
    checkPage("provider-audit");

    // The erased customer: held only by the deleted version 1, read by no question since.
    replace("subject-value", "1000007");
    click(By.id("subject-button"));
    wait.until(
        driver -> text("subject-status").equals("None of your datasets holds this person now."));
    String erased = text("subject-table");
    assertTrue(erased.contains("retailer.customers no 1 0 "), erased);
    assertTrue(
        erased.contains("retailer.stores not searched: no approved policy names a privacy unit"),
        erased);
    // A customer who stays: held by version 2, which the analyst's questions read.
    replace("subject-value", "1000008");
    click(By.id("subject-button"));
    wait.until(driver -> text("subject-status").equals("Your datasets hold this person now."));
    String staying = text("subject-table");
    assertTrue(staying.contains("retailer.customers yes 2 "), staying);
    int questions =
        Integer.parseInt(
            driver
                .findElement(By.cssSelector("#subject-table tbody tr td:nth-child(4)"))
                .getText());
    assertTrue(questions > 0, staying);
    checkPage("provider-subject");
    click(By.id("subject-page"));
    String page = Files.readString(waitForDownload(".html"), StandardCharsets.UTF_8);
    assertTrue(page.contains("How your data was used"), page);
    assertTrue(page.contains("<code>1000008</code>"), page);
    signOut();
  }

  private void officerSeesTheBudgetsSpent(Collaboration room) {
    signIn(room.keys().get("privacy"));
    visible("officer-budgets");
    wait.until(
        driver ->
            text("officer-budgets").contains("advertiser.impressions advertiser lifetime 0.5")
                && text("officer-budgets").contains("retailer.customers advertiser lifetime 0.5"));
    checkPage("officer-budgets");
    signOut();
  }

  private void analystAsksForAFairnessReport(Collaboration room) {
    signIn(room.keys().get("advertiser"));
    click(By.id("view-analyst-view"));
    visible("fairness-form");
    // A segment that no policy declares sensitive is refused, with its reason.
    replace("fairness-segment", "loyalty_tier");
    click(By.id("fairness-button"));
    wait.until(driver -> !text("fairness-problems").isEmpty());
    assertTrue(
        text("fairness-problems").contains("sensitive"), "refused: " + text("fairness-problems"));
    // The demo question split by age band: a row per released band, the epsilon of two queries.
    replace("fairness-segment", "age_band");
    click(By.id("fairness-button"));
    visible("fairness-result");
    assertTrue(rows("fairness-table") > 0, text("fairness-table"));
    String summary = text("fairness-summary");
    assertTrue(summary.contains("Segment\nretailer.customers.age_band"), summary);
    assertTrue(summary.contains("ε spent\n1"), summary);
    // Its two parts each read both tables: 0.5 before, 1 now, on each.
    wait.until(driver -> text("budget-table").contains("retailer.customers 1.5 8.5 10 0.5"));
    checkPage("analyst-fairness");
    signOut();
  }

  // --- Browser helpers ---

  private void signIn(String key) {
    visible("sign-in-view");
    replace("api-key", key);
    click(By.id("sign-in-button"));
  }

  private void signOut() {
    click(By.id("sign-out"));
    wait.until(driver -> text("sign-in-notice").equals("You are signed out."));
  }

  private void visible(String id) {
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  private void click(By by) {
    WebElement element = wait.until(ExpectedConditions.elementToBeClickable(by));
    driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
    element.click();
  }

  private String text(String id) {
    return driver.findElement(By.id(id)).getText().trim();
  }

  private String value(String id) {
    return driver.findElement(By.id(id)).getDomProperty("value");
  }

  private void replace(String id, String text) {
    WebElement field = driver.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  private int rows(String tableId) {
    return driver.findElements(By.cssSelector("#" + tableId + " tbody tr")).size();
  }

  private void scrollTo(String id) {
    driver.executeScript(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'start'});", id);
  }

  /** Presses Tab from the top of the page until {@code id} has the focus, visibly. */
  private void tabUntilFocused(String id, int mostPresses) {
    driver.executeScript(
        "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
    Actions keyboard = new Actions(driver);
    for (int press = 0; press < mostPresses; press++) {
      keyboard.sendKeys(Keys.TAB).perform();
      if (id.equals(driver.switchTo().activeElement().getAttribute("id"))) {
        Object outline =
            driver.executeScript("return getComputedStyle(document.activeElement).outlineStyle;");
        assertFalse("none".equals(outline), id + " shows no focus ring");
        return;
      }
    }
    fail(id + " was not reached in " + mostPresses + " presses of Tab");
  }

  private void screenshot(String name) throws IOException {
    Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
  }

  /** A screenshot of a taller window, from {@code id} down, for the README. */
  private void tallScreenshot(String name, String id) throws IOException {
    Dimension size = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(size.getWidth(), 1500));
    try {
      scrollTo(id);
      screenshot(name);
    } finally {
      driver.manage().window().setSize(size);
    }
  }

  private void screenshotQuietly(String name) {
    try {
      screenshot(name);
    } catch (IOException | RuntimeException e) {
      // Only an aid to reading a failure.
    }
  }

  /** No console errors, and the basic accessibility checks, on the page as it is now. */
  private void checkPage(String page) {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.WARNING.intValue()
          && !EXPECTED_REFUSAL.matcher(entry.getMessage()).matches()) {
        errors.add(entry.getLevel() + " " + entry.getMessage());
      }
    }
    @SuppressWarnings("unchecked")
    List<String> accessibility = (List<String>) driver.executeScript(ACCESSIBILITY_CHECK);
    errors.addAll(accessibility);
    if (!errors.isEmpty()) {
      screenshotQuietly("failed-" + page);
    }
    assertEquals(List.of(), errors, "on the " + page + " page");
  }

  private Path waitForDownload(String suffix) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(downloads)) {
        List<Path> done = files.filter(f -> f.toString().endsWith(suffix)).toList();
        if (!done.isEmpty()) {
          return done.get(0);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("no " + suffix + " file was downloaded to " + downloads);
  }

  /**
   * Every field has a label, every button an accessible name, and the rendered text a contrast of
   * at least 4.5:1 with its background (WCAG's formula).
   */
  private static final String ACCESSIBILITY_CHECK =
      """
      const problems = [];
      for (const field of document.querySelectorAll('input, select, textarea')) {
        const labelled = (field.id && document.querySelector('label[for="' + CSS.escape(field.id) + '"]'))
          || field.closest('label') || field.getAttribute('aria-label') || field.getAttribute('aria-labelledby');
        if (!labelled) problems.push('no label for ' + (field.id || field.name || field.outerHTML.slice(0, 60)));
      }
      for (const button of document.querySelectorAll('button')) {
        if (!(button.getAttribute('aria-label') || button.textContent).trim()) {
          problems.push('a button without a name: ' + button.outerHTML.slice(0, 60));
        }
      }
      const rgb = (text) => {
        const m = /rgba?\\(([^)]+)\\)/.exec(text);
        if (!m) return null;
        const p = m[1].split(',').map(Number);
        return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
      };
      const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
      const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
      const background = (element) => {
        for (let e = element; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c && c.a > 0) return c;
        }
        return { r: 255, g: 255, b: 255, a: 1 };
      };
      for (const element of document.body.querySelectorAll('*')) {
        if (element.getClientRects().length === 0) continue;
        if (![...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
        const foreground = rgb(getComputedStyle(element).color);
        const l1 = luminance(foreground);
        const l2 = luminance(background(element));
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        if (ratio < 4.5) {
          problems.push('contrast ' + ratio.toFixed(2) + ' of ' + element.tagName.toLowerCase()
            + (element.id ? '#' + element.id : '') + ' "' + element.textContent.trim().slice(0, 30) + '"');
        }
      }
      return problems;
      """;
}
