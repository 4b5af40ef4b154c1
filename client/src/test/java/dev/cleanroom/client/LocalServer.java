package dev.cleanroom.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on a free loopback port that answers fixed responses by method and path, and
 * records the requests it got: what the client sends and how it reads answers, over real HTTP.
 */
public final class LocalServer implements AutoCloseable {
  /** A fixed answer. */
  public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static Reply json(int status, String body) {
      return new Reply(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Reply problem(int status, String body) {
      return new Reply(
          status, "application/problem+json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }

  /** One request as received. */
  public record Received(
      String method, String path, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name)) {
          return entry.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public LocalServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String path = exchange.getRequestURI().toString();
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  path,
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          String route = exchange.getRequestMethod() + " " + path;
          Reply reply =
              replies.getOrDefault(
                  route + " accept=" + exchange.getRequestHeaders().getFirst("Accept"),
                  replies.get(route));
          if (reply == null) {
            reply = Reply.problem(404, "{\"title\":\"Not found\",\"status\":404}");
          }
          exchange.getResponseHeaders().set("Content-Type", reply.contentType());
          reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
          exchange.sendResponseHeaders(
              reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply.body());
          }
        });
    server.start();
  }

  /** Answers {@code METHOD /path?query} with {@code reply}. */
  public void on(String methodAndPath, Reply reply) {
    replies.put(methodAndPath, reply);
  }

  /** Answers {@code METHOD /path?query} asked with {@code Accept: accept} with {@code reply}. */
  public void on(String methodAndPath, String accept, Reply reply) {
    replies.put(methodAndPath + " accept=" + accept, reply);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Received> received() {
    return received;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
