package dev.cleanroom.server.startup;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Refuses to start a production server (the {@code prod} profile, i.e. the packaged jar started
 * without {@code -Dquarkus.profile=demo}) with settings that are only safe for a demo: demo keys, a
 * master key the server would make up itself, an embedded database, or plain HTTP (or plaintext
 * Flight SQL) without a TLS proxy in front.
 */
@Singleton
public class ProductionSafety {
  private static final Logger LOG = Logger.getLogger(ProductionSafety.class);

  /** Interceptor.Priority.PLATFORM_BEFORE: before observers without a priority (2500). */
  private static final int FIRST = 0;

  /** The demo's well-known API keys: never valid outside the demo profile. */
  static final Set<String> DEMO_KEYS =
      Set.of("demo-retailer-key", "demo-advertiser-key", "demo-privacy-key");

  static final int MINIMUM_OPERATOR_KEY_LENGTH = 32;

  /** What the check reads, so it can be tested without starting a server. */
  record Settings(
      boolean demoEnabled,
      Optional<String> masterKey,
      Optional<String> masterKeyFile,
      Optional<String> operatorKey,
      Optional<String> jdbcUrl,
      boolean embeddedDatabase,
      Optional<String> tlsCertificateFiles,
      Optional<String> tlsKeyStore,
      boolean behindTlsProxy,
      boolean flightEnabled) {

    static Settings from(Config config) {
      return new Settings(
          config.getOptionalValue("cleanroom.demo.enabled", Boolean.class).orElse(false),
          nonBlank(config, "cleanroom.master-key"),
          nonBlank(config, "cleanroom.master-key-file"),
          nonBlank(config, "cleanroom.operator-key"),
          nonBlank(config, "quarkus.datasource.jdbc.url"),
          config.getOptionalValue("cleanroom.database.embedded", Boolean.class).orElse(false),
          nonBlank(config, "quarkus.http.ssl.certificate.files"),
          nonBlank(config, "quarkus.http.ssl.certificate.key-store-file"),
          config.getOptionalValue("cleanroom.tls.behind-proxy", Boolean.class).orElse(false),
          config.getOptionalValue("cleanroom.flight.enabled", Boolean.class).orElse(true));
    }

    private static Optional<String> nonBlank(Config config, String name) {
      return config.getOptionalValue(name, String.class).filter(value -> !value.isBlank());
    }
  }

  /** Every reason the settings are unsafe for production; empty when they are fine. */
  static List<String> problems(Settings settings) {
    List<String> problems = new ArrayList<>();
    if (settings.demoEnabled()) {
      problems.add(
          "cleanroom.demo.enabled is true: the demo clean room and its keys are for the demo profile only");
    }
    if (settings.masterKey().isEmpty() && settings.masterKeyFile().isEmpty()) {
      problems.add(
          "no master key: set cleanroom.master-key-file (or cleanroom.master-key); production never"
              + " generates one itself");
    }
    if (settings.operatorKey().isEmpty()) {
      problems.add("no operator key: set cleanroom.operator-key");
    } else if (DEMO_KEYS.contains(settings.operatorKey().get())) {
      problems.add("cleanroom.operator-key is a demo key");
    } else if (settings.operatorKey().get().length() < MINIMUM_OPERATOR_KEY_LENGTH) {
      problems.add(
          "cleanroom.operator-key is shorter than " + MINIMUM_OPERATOR_KEY_LENGTH + " characters");
    }
    if (settings.jdbcUrl().isEmpty() || settings.embeddedDatabase()) {
      problems.add(
          "no quarkus.datasource.jdbc.url: production keeps its metadata in a PostgreSQL server,"
              + " not the embedded one");
    }
    if (settings.tlsCertificateFiles().isEmpty()
        && settings.tlsKeyStore().isEmpty()
        && !settings.behindTlsProxy()) {
      problems.add(
          "no TLS: set quarkus.http.ssl.certificate.files and .key-files, or"
              + " cleanroom.tls.behind-proxy=true when a TLS proxy terminates connections"
              + " (HTTP and, for Flight SQL, gRPC)");
    } else if (settings.flightEnabled()
        && settings.tlsCertificateFiles().isEmpty()
        && !settings.behindTlsProxy()) {
      // HTTP has TLS from a key store, which Flight SQL cannot read: it would listen in plaintext.
      problems.add(
          "Flight SQL would be plaintext: it takes the PEM certificate"
              + " (quarkus.http.ssl.certificate.files and .key-files), not a key store; set those,"
              + " or cleanroom.flight.enabled=false");
    }
    return problems;
  }

  /** Before every other start-up observer: nothing runs on settings this refuses. */
  void onStart(@Observes @Priority(FIRST) StartupEvent event, Config config) {
    // Always on in production; the setting only switches it on elsewhere (a test of the refusal),
    // never off.
    boolean production =
        LaunchMode.current() == LaunchMode.NORMAL && ConfigUtils.isProfileActive("prod");
    if (!production
        && !config.getOptionalValue("cleanroom.production-checks", Boolean.class).orElse(false)) {
      return;
    }
    List<String> problems = problems(Settings.from(config));
    if (!problems.isEmpty()) {
      problems.forEach(
          problem -> LOG.errorf("event=unsafe_production_setting reason=\"%s\"", problem));
      throw new IllegalStateException(
          "refusing to start in production: " + String.join("; ", problems));
    }
  }
}
