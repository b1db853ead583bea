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
            byte[] body =
                "<!DOCTYPE html><title>Shop</title><h1>Thank you for your order</h1>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
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
