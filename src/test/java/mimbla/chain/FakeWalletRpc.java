package mimbla.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A FAKE wallet JSON-RPC endpoint on 127.0.0.1, for what a real daemon cannot be made to do: answer
 * garbage, HTML, the wrong status, or exactly the reorganisation a test wants. Every behaviour of
 * the real daemons is proven against them in {@link LitecoinRegtestIT} and {@link MoneroRegtestIT}.
 */
final class FakeWalletRpc implements AutoCloseable {
  /** What the fake answers: an HTTP status and a raw body. */
  record Answer(int status, String body) {
    static Answer result(String json) {
      return new Answer(200, "{\"result\":" + json + ",\"error\":null,\"id\":\"mimbla\"}");
    }

    static Answer error(int status, int code, String message) {
      return new Answer(
          status,
          "{\"result\":null,\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"}}");
    }
  }

  /** One call received: path, method, parameters and the Authorization header. */
  record Call(String path, String method, JsonNode params, String authorization) {}

  private final HttpServer server;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean hung;
  private final Map<String, Function<JsonNode, Answer>> methods = new ConcurrentHashMap<>();
  final List<Call> calls = new CopyOnWriteArrayList<>();

  private FakeWalletRpc() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          JsonNode request = JsonRpc.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
          String method = request.path("method").asText();
          calls.add(
              new Call(
                  exchange.getRequestURI().getPath(),
                  method,
                  request.path("params"),
                  exchange.getRequestHeaders().getFirst("Authorization")));
          if (hung) {
            awaitClose();
          }
          Answer answer =
              methods
                  .getOrDefault(method, params -> Answer.error(404, -32601, "Method not found"))
                  .apply(request.path("params"));
          byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    // A hung answer holds only its own thread.
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  static FakeWalletRpc start() {
    return new FakeWalletRpc();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  FakeWalletRpc on(String method, Function<JsonNode, Answer> answer) {
    methods.put(method, answer);
    return this;
  }

  FakeWalletRpc on(String method, Answer answer) {
    return on(method, params -> answer);
  }

  /** Every call hangs without an answer until the fake is closed, as a wedged daemon does. */
  FakeWalletRpc hang() {
    hung = true;
    return this;
  }

  List<Call> calls(String method) {
    return calls.stream().filter(call -> call.method().equals(method)).toList();
  }

  private void awaitClose() {
    try {
      closed.await(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
