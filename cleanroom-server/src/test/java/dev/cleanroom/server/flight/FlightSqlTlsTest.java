package dev.cleanroom.server.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * With the server's PEM certificate configured, Flight SQL speaks TLS with it: a client trusting
 * that certificate queries the catalog; a plaintext client gets nothing.
 */
@QuarkusTest
@TestProfile(FlightSqlTlsTest.WithCertificate.class)
class FlightSqlTlsTest {

  /** A self-signed certificate for 127.0.0.1, made with the JDK's keytool, as PEM files. */
  public static class WithCertificate implements QuarkusTestProfile {
    static final Path DIRECTORY = Path.of("target", "flight-tls");

    @Override
    public Map<String, String> getConfigOverrides() {
      createCertificate();
      return Map.of(
          "quarkus.http.ssl.certificate.files", DIRECTORY.resolve("tls.crt").toString(),
          "quarkus.http.ssl.certificate.key-files", DIRECTORY.resolve("tls.key").toString(),
          "quarkus.http.test-ssl-port", "0");
    }

    static void createCertificate() {
      try {
        Files.createDirectories(DIRECTORY);
        Path store = DIRECTORY.resolve("tls.p12");
        Files.deleteIfExists(store);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(
            keytool,
            "-genkeypair",
            "-alias",
            "server",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=127.0.0.1",
            "-ext",
            "SAN=IP:127.0.0.1",
            "-validity",
            "2",
            "-storetype",
            "PKCS12",
            "-keystore",
            store.toString(),
            "-storepass",
            "changeit");
        run(
            keytool,
            "-exportcert",
            "-rfc",
            "-alias",
            "server",
            "-keystore",
            store.toString(),
            "-storepass",
            "changeit",
            "-file",
            DIRECTORY.resolve("tls.crt").toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
          keys.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) keys.getKey("server", "changeit".toCharArray());
        String pem =
            "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(DIRECTORY.resolve("tls.key"), pem);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (Exception e) {
        throw new IllegalStateException("cannot create the test certificate", e);
      }
    }

    private static void run(String... command) throws IOException, InterruptedException {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
    }
  }

  @Inject FlightSqlEndpoint endpoint;

  @Test
  void tlsClientTrustingTheCertificate_queriesTheCatalog_plaintextClientRefused() throws Exception {
    Collaboration room = Api.newCollaboration();
    CallOption key =
        new CredentialCallOption(new BearerCredentialWriter(room.keys().get("advertiser")));
    int port = endpoint.port().getAsInt();
    try (RootAllocator allocator = new RootAllocator();
        InputStream certificate =
            Files.newInputStream(WithCertificate.DIRECTORY.resolve("tls.crt"))) {
      try (FlightSqlClient tls =
          new FlightSqlClient(
              FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1", port))
                  .trustedCertificates(certificate)
                  .build())) {
        var info = tls.getCatalogs(key);
        try (FlightStream stream = tls.getStream(info.getEndpoints().get(0).getTicket(), key)) {
          stream.next();
          assertEquals(room.name(), stream.getRoot().getVector(0).getObject(0).toString());
        }
      }
      try (FlightSqlClient plaintext =
          new FlightSqlClient(
              FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port))
                  .build())) {
        assertThrows(FlightRuntimeException.class, () -> plaintext.getCatalogs(key));
      }
    }
  }
}
