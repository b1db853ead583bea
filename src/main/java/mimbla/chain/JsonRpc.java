package mimbla.chain;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import mimbla.config.Settings;

/**
 * One daemon's or wallet's JSON-RPC endpoint. Bitcoin Core-family daemons take HTTP Basic
 * credentials (a user and password, or the cookie file the daemon rewrites at every start, read
 * again for each call); monero-wallet-rpc takes HTTP Digest ({@link DigestAuth}), answered after
 * its challenge. Numbers are read as exact decimals, never as doubles.
 *
 * <p>The JDK's {@link HttpURLConnection} is enough for a daemon on the operator's own network; it
 * is told to use no proxy, so a system proxy never sees the credentials.
 */
final class JsonRpc {
  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Long enough for a wallet refresh after a daemon restart, short enough not to hang a poll. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  enum Dialect {
    /** JSON-RPC 1.0 with positional parameters, HTTP Basic. */
    BITCOIN,
    /** JSON-RPC 2.0 at {@code /json_rpc} with named parameters, HTTP Digest. */
    MONERO
  }

  private final Settings.Rpc rpc;
  private final Dialect dialect;
  private final String where;

  JsonRpc(Settings.Rpc rpc, Dialect dialect) {
    this.rpc = rpc;
    this.dialect = dialect;
    this.where = rpc.toString();
  }

  /** Host and port, for log lines and messages. */
  String where() {
    return where;
  }

  /**
   * Calls a method at a path of the endpoint ({@code /} for the node, {@code /wallet/NAME} for a
   * Bitcoin Core wallet, {@code /json_rpc} for Monero) and returns its result.
   *
   * @throws RpcFailure when there is no result
   */
  JsonNode call(String path, String method, Object params) {
    byte[] request = requestBody(method, params);
    try {
      Exchange exchange = post(path, request, Optional.empty());
      if (exchange.status() == 401 && dialect == Dialect.MONERO && !rpc.user().isEmpty()) {
        Optional<String> digest =
            DigestAuth.authorization(
                exchange.challenges(), "POST", exchange.uri(), rpc.user(), rpc.password());
        if (digest.isPresent()) {
          exchange = post(path, request, digest);
        }
      }
      if (exchange.status() == 401 || exchange.status() == 403) {
        throw new RpcFailure(
            RpcFailure.Kind.UNREACHABLE, exchange.status(), where + " refused the RPC credentials");
      }
      return result(method, exchange.status(), exchange.body());
    } catch (IOException e) {
      throw new RpcFailure(
          RpcFailure.Kind.UNREACHABLE,
          0,
          where
              + " cannot be reached: "
              + e.getClass().getSimpleName()
              + " "
              + safe(e.getMessage()));
    }
  }

  /** One HTTP round trip: status, body, Digest challenges and the request URI they cover. */
  private record Exchange(int status, byte[] body, List<String> challenges, String uri) {}

  private Exchange post(String path, byte[] request, Optional<String> authorization)
      throws IOException {
    HttpURLConnection connection = open(path);
    try {
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      authorization.ifPresent(header -> connection.setRequestProperty("Authorization", header));
      try (OutputStream out = connection.getOutputStream()) {
        out.write(request);
      }
      int status = connection.getResponseCode();
      // monero-wallet-rpc spells it WWW-authenticate; header names are case-insensitive.
      List<String> challenges =
          connection.getHeaderFields().entrySet().stream()
              .filter(header -> "WWW-Authenticate".equalsIgnoreCase(header.getKey()))
              .flatMap(header -> header.getValue().stream())
              .toList();
      return new Exchange(status, body(connection), challenges, connection.getURL().getFile());
    } finally {
      connection.disconnect();
    }
  }

  private byte[] requestBody(String method, Object params) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("jsonrpc", dialect == Dialect.BITCOIN ? "1.0" : "2.0");
    body.put("id", "mimbla");
    body.put("method", method);
    body.set("params", MAPPER.valueToTree(params));
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("parameters of " + method + " are not JSON", e);
    }
  }

  private HttpURLConnection open(String path) {
    URI base = rpc.url();
    String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    URI target = base.resolve(prefix + path);
    try {
      HttpURLConnection connection =
          (HttpURLConnection) target.toURL().openConnection(Proxy.NO_PROXY);
      connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
      connection.setUseCaches(false);
      connection.setInstanceFollowRedirects(false);
      authenticate(connection);
      return connection;
    } catch (IOException e) {
      throw new RpcFailure(RpcFailure.Kind.UNREACHABLE, 0, where + " cannot be reached: " + e);
    }
  }

  /** HTTP Basic for the Bitcoin family; Monero's Digest is answered after its challenge. */
  private void authenticate(HttpURLConnection connection) throws IOException {
    if (dialect != Dialect.BITCOIN) {
      return;
    }
    String user = rpc.user();
    String password = rpc.password();
    if (rpc.cookieFile().isPresent()) {
      // The daemon writes a new cookie at each start: read it for every call.
      String cookie = Files.readString(rpc.cookieFile().get(), StandardCharsets.UTF_8).trim();
      int colon = cookie.indexOf(':');
      user = colon < 0 ? cookie : cookie.substring(0, colon);
      password = colon < 0 ? "" : cookie.substring(colon + 1);
    }
    if (user.isEmpty() && password.isEmpty()) {
      return;
    }
    String pair = user + ":" + password;
    connection.setRequestProperty(
        "Authorization",
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] body(HttpURLConnection connection) throws IOException {
    // Bitcoin Core answers errors with status 404 or 500 and the JSON error in the body.
    InputStream in =
        connection.getResponseCode() >= 400
            ? connection.getErrorStream()
            : connection.getInputStream();
    if (in == null) {
      return new byte[0];
    }
    try (in) {
      return in.readNBytes(64 << 20);
    }
  }

  private JsonNode result(String method, int status, byte[] body) {
    JsonNode answer;
    try {
      answer = MAPPER.readTree(body);
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null || !answer.isObject()) {
      throw new RpcFailure(
          RpcFailure.Kind.UNREACHABLE,
          status,
          where + " answered " + method + " with HTTP " + status + " and no JSON-RPC answer");
    }

    JsonNode error = answer.path("error");
    if (error.isObject()) {
      int code = error.path("code").asInt();
      String message = error.path("message").asText();
      RpcFailure.Kind kind =
          code == RpcFailure.WARMING_UP ? RpcFailure.Kind.SYNCING : RpcFailure.Kind.ERROR;
      throw new RpcFailure(kind, code, method + " failed: " + message + " (code " + code + ")");
    }
    return answer.path("result");
  }

  /** An exception's message without anything that looks like credentials in a URL. */
  private static String safe(String message) {
    return message == null ? "" : message.replaceAll("//[^/@\\s]*@", "//");
  }
}
