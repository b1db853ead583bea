package mimbla.web;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A merchant's site on loopback: a thank-you page the pay page sends the payer back to, and a
 * webhook endpoint that records the paths it was called with.
 */
final class Shop implements AutoCloseable {
  /**
   * A checkout page's use of the SDK API: the server and client id come in the page's fragment
   * ({@code #http://127.0.0.1:PORT|CLIENTID}); the outcome is written into the page.
   */
  private static final String CHECKOUT_SCRIPT =
      """
      var parts = decodeURIComponent(location.hash.substring(1)).split('|');
      var result = document.getElementById('result');
      fetch(parts[0] + '/api/v1/sdk/invoice', {
        method: 'POST',
        headers: {'Content-Type': 'application/json', 'MB-CLIENT-ID': parts[1]},
        body: JSON.stringify({amount: 30, crypto: 'BTC'})
      }).then(function (answer) {
        return answer.json().then(function (json) {
          result.textContent = 'status ' + answer.status + ' ' + (json.id || json.error);
        });
      }).catch(function (e) { result.textContent = 'blocked ' + e.name; });
      """;

  final HttpServer server;
  final List<String> hooks = new CopyOnWriteArrayList<>();

  private Shop(HttpServer server) {
    this.server = server;
  }

  static Shop start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      Shop shop = new Shop(server);
      server.createContext(
          "/",
          exchange -> {
            String path = exchange.getRequestURI().toString();
            if (path.startsWith("/hook")) {
              shop.hooks.add(path);
            }
            String type = "text/html; charset=utf-8";
            String text = "<!DOCTYPE html><title>Shop</title><h1>Thank you for your order</h1>";
            if (path.startsWith("/checkout.js")) {
              type = "text/javascript; charset=utf-8";
              text = CHECKOUT_SCRIPT;
            } else if (path.startsWith("/checkout")) {
              text =
                  "<!DOCTYPE html><title>Checkout</title><pre id=\"result\">waiting</pre>"
                      + "<script src=\"/checkout.js\"></script>";
            }
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      return shop;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
