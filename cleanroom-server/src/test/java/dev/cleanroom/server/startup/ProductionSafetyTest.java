package dev.cleanroom.server.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProductionSafetyTest {

  /** Safe production settings, changed one at a time by each test. */
  private static final class Settings {
    boolean demoEnabled;
    Optional<String> masterKey = Optional.empty();
    Optional<String> masterKeyFile = Optional.of("/run/secrets/master-key");
    Optional<String> operatorKey = Optional.of("0123456789abcdef0123456789abcdef01234567");
    Optional<String> jdbcUrl = Optional.of("jdbc:postgresql://db:5432/cleanroom");
    boolean embeddedDatabase;
    Optional<String> tlsCertificateFiles = Optional.of("/run/secrets/tls.crt");
    Optional<String> tlsKeyStore = Optional.empty();
    boolean behindTlsProxy;
    boolean flightEnabled = true;

    List<String> problems() {
      return ProductionSafety.problems(
          new ProductionSafety.Settings(
              demoEnabled,
              masterKey,
              masterKeyFile,
              operatorKey,
              jdbcUrl,
              embeddedDatabase,
              tlsCertificateFiles,
              tlsKeyStore,
              behindTlsProxy,
              flightEnabled));
    }
  }

  @Test
  void safeSettings_haveNoProblem() {
    assertEquals(List.of(), new Settings().problems());
  }

  @Test
  void behindTlsProxyWithoutCertificate_isAccepted() {
    Settings settings = new Settings();
    settings.tlsCertificateFiles = Optional.empty();
    settings.behindTlsProxy = true;
    assertEquals(List.of(), settings.problems());
  }

  @Test
  void demoEnabled_isRefused() {
    Settings settings = new Settings();
    settings.demoEnabled = true;
    assertOnly(settings, "cleanroom.demo.enabled is true");
  }

  @Test
  void noMasterKey_isRefused() {
    Settings settings = new Settings();
    settings.masterKeyFile = Optional.empty();
    assertOnly(settings, "no master key");
  }

  @Test
  void demoOrShortOrMissingOperatorKey_isRefused() {
    for (Optional<String> key :
        List.of(Optional.of("demo-privacy-key"), Optional.of("short"), Optional.<String>empty())) {
      Settings settings = new Settings();
      settings.operatorKey = key;
      List<String> problems = settings.problems();
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).contains("operator"), problems.get(0));
    }
  }

  @Test
  void noDatabaseUrl_isRefused() {
    Settings settings = new Settings();
    settings.jdbcUrl = Optional.empty();
    assertOnly(settings, "no quarkus.datasource.jdbc.url");
  }

  @Test
  void databaseTheServerStartedItself_isRefused() {
    Settings settings = new Settings();
    settings.embeddedDatabase = true;
    assertOnly(settings, "no quarkus.datasource.jdbc.url");
  }

  @Test
  void plainHttpWithoutProxy_isRefused() {
    Settings settings = new Settings();
    settings.tlsCertificateFiles = Optional.empty();
    assertOnly(settings, "no TLS");
  }

  @Test
  void flightWithKeyStoreOnly_isRefusedAsPlaintext() {
    Settings settings = new Settings();
    settings.tlsCertificateFiles = Optional.empty();
    settings.tlsKeyStore = Optional.of("/run/secrets/tls.p12");
    assertOnly(settings, "Flight SQL would be plaintext");
  }

  @Test
  void keyStoreOnlyWithFlightDisabledOrBehindProxy_isAccepted() {
    Settings disabled = new Settings();
    disabled.tlsCertificateFiles = Optional.empty();
    disabled.tlsKeyStore = Optional.of("/run/secrets/tls.p12");
    disabled.flightEnabled = false;
    assertEquals(List.of(), disabled.problems());
    Settings proxied = new Settings();
    proxied.tlsCertificateFiles = Optional.empty();
    proxied.tlsKeyStore = Optional.of("/run/secrets/tls.p12");
    proxied.behindTlsProxy = true;
    assertEquals(List.of(), proxied.problems());
  }

  @Test
  void everythingUnsafe_reportsEveryProblem() {
    Settings settings = new Settings();
    settings.demoEnabled = true;
    settings.masterKeyFile = Optional.empty();
    settings.operatorKey = Optional.empty();
    settings.embeddedDatabase = true;
    settings.tlsCertificateFiles = Optional.empty();
    assertEquals(5, settings.problems().size());
  }

  private static void assertOnly(Settings settings, String start) {
    List<String> problems = settings.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith(start), problems.get(0));
  }
}
