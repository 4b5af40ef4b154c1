package dev.cleanroom.client.session;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The server's HTTP API as the client calls it: one collaboration, one API key. A 4xx answer
 * becomes a {@link ClientException} with {@link ExitStatus#REFUSED} and the problem's title, detail
 * and violations; a 5xx answer or a network failure one with {@link ExitStatus#UNAVAILABLE}.
 */
public final class ServerApi {
  /** Numbers stay exact (epsilon, hashes computed over them): floats as BigDecimal. */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static final int MAX_PROBLEM_BYTES = 64 * 1024;

  private final URI base;
  private final String apiKey;
  private final String collaboration;
  private final HttpClient http;

  ServerApi(
      URI base, String apiKey, String collaboration, boolean allowPlainHttp, Console console) {
    this.base = requireNonNull(base, "base is null");
    this.apiKey = requireNonNull(apiKey, "apiKey is null");
    this.collaboration = requireNonNull(collaboration, "collaboration is null");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    checkTransport(base, allowPlainHttp, console);
  }

  /**
   * Refuses plain http to another machine unless {@code allowPlainHttp}: the API key would travel
   * unencrypted. Allowed, it still warns.
   */
  static void checkTransport(URI base, boolean allowPlainHttp, Console console) {
    if (!base.getScheme().equals("http") || isLoopback(base.getHost())) {
      return;
    }
    if (!allowPlainHttp) {
      throw ClientException.usage(
          base.getHost()
              + " would be reached over plain http and your API key would travel unencrypted:"
              + " use https://, or --allow-plain-http on a network you trust");
    }
    console
        .err()
        .println(
            "warning: "
                + base.getHost()
                + " is reached over plain http; your API key travels unencrypted");
  }

  /** A request to {@code /api/v1/collaborations/{c}/<path>}, authenticated. */
  public HttpRequest.Builder request(String path) {
    String encoded = URLEncoder.encode(collaboration, StandardCharsets.UTF_8).replace("+", "%20");
    String root = base.toString().replaceAll("/+$", "");
    return HttpRequest.newBuilder(URI.create(root + "/api/v1/collaborations/" + encoded + path))
        .header("Authorization", "Bearer " + apiKey);
  }

  /** Sends; answers the response of a 2xx status, its body unread. */
  public HttpResponse<InputStream> send(HttpRequest request) {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new ClientException(
          ExitStatus.UNAVAILABLE, "cannot connect to the server at " + base, e);
    } catch (IOException e) {
      throw new ClientException(
          ExitStatus.UNAVAILABLE,
          "the connection to the server at " + base + " failed: " + describe(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(ExitStatus.FAILURE, "interrupted", e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response;
    }
    String problem = Problems.describe(status, readBounded(response.body()));
    throw new ClientException(
        status >= 400 && status < 500 ? ExitStatus.REFUSED : ExitStatus.UNAVAILABLE, problem);
  }

  /** GET of a JSON document. */
  public JsonNode getJson(String path) {
    return json(send(request(path).header("Accept", "application/json").GET().build()));
  }

  /** POST of a JSON body, answering JSON. */
  public JsonNode postJson(String path, Object body) {
    return json(
        send(
            request(path)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)))
                .build()));
  }

  public static byte[] bytes(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a request body", e);
    }
  }

  public static JsonNode json(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new ClientException(
          ExitStatus.UNAVAILABLE, "the server's answer is not the JSON expected", e);
    }
  }

  private static byte[] readBounded(InputStream body) {
    try (InputStream in = body) {
      return in.readNBytes(MAX_PROBLEM_BYTES);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
