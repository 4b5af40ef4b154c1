package dev.cleanroom.server.flight;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cleanroom.server.auth.ApiKeyAuthenticator;
import dev.cleanroom.server.policy.QueryCatalog;
import dev.cleanroom.server.query.QueryService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The Arrow Flight SQL endpoint for BI tools and notebooks, started and stopped with the
 * application on {@code cleanroom.flight.host}:{@code cleanroom.flight.port}. It speaks TLS with
 * the HTTP server's PEM certificate ({@code quarkus.http.ssl.certificate.files} and {@code
 * .key-files}) when one is configured, and plaintext otherwise (which production allows only behind
 * a TLS proxy; see ProductionSafety).
 */
@Singleton
public class FlightSqlEndpoint {
  private static final Logger LOG = Logger.getLogger(FlightSqlEndpoint.class);

  /** Interceptor.Priority.LIBRARY_AFTER: observers without a priority (2500) run before. */
  private static final int AFTER_APPLICATION_OBSERVERS = 4000;

  /** Headers (the API key among them) are read before authentication: bounded like HTTP's. */
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Calls served at once; more wait. Queries are bounded per member by the admission besides. */
  private static final int MAX_CALL_THREADS = 32;

  private final boolean enabled;
  private final String host;
  private final int port;
  private final Optional<List<Path>> certificateFiles;
  private final Optional<List<Path>> keyFiles;
  private final Duration ticketTimeToLive;
  private final Duration preparedIdleTimeout;
  private final ApiKeyAuthenticator keys;
  private final QueryService queries;
  private final QueryCatalog catalog;
  private final BufferAllocator dataAllocator;
  private final ObjectMapper json;
  private final Clock clock;
  private final int maxMessageBytes;

  private BufferAllocator allocator;
  private ExecutorService calls;
  private FlightServer server;

  @Inject
  public FlightSqlEndpoint(
      @ConfigProperty(name = "cleanroom.flight.enabled", defaultValue = "true") boolean enabled,
      @ConfigProperty(name = "cleanroom.flight.host", defaultValue = "0.0.0.0") String host,
      @ConfigProperty(name = "cleanroom.flight.port", defaultValue = "32010") int port,
      @ConfigProperty(name = "quarkus.http.ssl.certificate.files")
          Optional<List<Path>> certificateFiles,
      @ConfigProperty(name = "quarkus.http.ssl.certificate.key-files")
          Optional<List<Path>> keyFiles,
      @ConfigProperty(name = "cleanroom.flight.ticket-ttl", defaultValue = "5m")
          Duration ticketTimeToLive,
      @ConfigProperty(name = "cleanroom.flight.prepared-idle-timeout", defaultValue = "1h")
          Duration preparedIdleTimeout,
      ApiKeyAuthenticator keys,
      QueryService queries,
      QueryCatalog catalog,
      BufferAllocator dataAllocator,
      ObjectMapper json,
      Clock clock,
      @ConfigProperty(name = "cleanroom.json.max-bytes") int maxMessageBytes) {
    this.enabled = enabled;
    this.host = host;
    this.port = port;
    this.certificateFiles = certificateFiles.filter(files -> !files.isEmpty());
    this.keyFiles = keyFiles.filter(files -> !files.isEmpty());
    this.ticketTimeToLive = ticketTimeToLive;
    this.preparedIdleTimeout = preparedIdleTimeout;
    this.keys = keys;
    this.queries = queries;
    this.catalog = catalog;
    this.dataAllocator = dataAllocator;
    this.json = json;
    this.clock = clock;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** After the other start-up observers, so ProductionSafety refuses unsafe settings first. */
  void onStart(@Observes @Priority(AFTER_APPLICATION_OBSERVERS) StartupEvent event) {
    if (!enabled) {
      LOG.info("event=flight_sql_disabled");
      return;
    }
    boolean tls = certificateFiles.isPresent();
    if (tls && keyFiles.isEmpty()) {
      throw new IllegalStateException(
          "quarkus.http.ssl.certificate.files is set without .key-files: Flight SQL needs both");
    }
    allocator = dataAllocator.newChildAllocator("flight", 0, Long.MAX_VALUE);
    CleanroomFlightSqlProducer producer =
        new CleanroomFlightSqlProducer(
            queries,
            catalog,
            new FlightTickets(clock, ticketTimeToLive),
            new PreparedQueries(clock, preparedIdleTimeout),
            allocator,
            json);
    Location location =
        tls ? Location.forGrpcTls(host, port) : Location.forGrpcInsecure(host, port);
    calls = Executors.newFixedThreadPool(MAX_CALL_THREADS);
    // A request (SQL, a prepared statement's handle) is as large as a REST JSON body may be.
    FlightServer.Builder builder =
        FlightServer.builder(allocator, location, producer)
            .middleware(FlightCaller.KEY, new FlightCaller.Factory(keys))
            .setMaxHeaderListSize(MAX_HEADER_BYTES)
            .maxInboundMessageSize(maxMessageBytes)
            .executor(calls);
    try {
      if (tls) {
        builder.useTls(certificateFiles.get().get(0).toFile(), keyFiles.get().get(0).toFile());
      }
      server = builder.build().start();
    } catch (IOException e) {
      calls.shutdownNow();
      allocator.close();
      throw new UncheckedIOException("cannot start the Flight SQL endpoint on port " + port, e);
    } catch (RuntimeException e) {
      calls.shutdownNow();
      allocator.close();
      throw e;
    }
    LOG.infof("event=flight_sql_started host=%s port=%d tls=%s", host, server.getPort(), tls);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
      if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("event=flight_sql_stop_timeout");
      }
      server.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server = null;
      calls.shutdownNow();
      allocator.close();
    }
  }

  /** The port it listens on (the one chosen when configured as 0); empty when not running. */
  public OptionalInt port() {
    return server == null ? OptionalInt.empty() : OptionalInt.of(server.getPort());
  }
}
