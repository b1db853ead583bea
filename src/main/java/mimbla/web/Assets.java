package mimbla.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The style sheet and scripts, served as files so that a policy of {@code default-src 'self'}
 * allows them. Only the files named here are served; they are read once, at start.
 */
final class Assets {
  private static final Map<String, String> TYPES =
      Map.of(
          "mimbla.css", "text/css; charset=utf-8",
          "pay.js", "text/javascript; charset=utf-8");

  private final Map<String, byte[]> files;

  Assets() {
    this.files = TYPES.keySet().stream().collect(Collectors.toMap(n -> n, Assets::read));
  }

  void serve(Context ctx) {
    String name = ctx.pathParam("file");
    byte[] file = files.get(name);
    if (file == null) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("Not found");
      return;
    }
    ctx.header("Cache-Control", "public, max-age=300");
    ctx.contentType(TYPES.get(name)).result(file);
  }

  private static byte[] read(String name) {
    try (InputStream in = Assets.class.getResourceAsStream("/web/" + name)) {
      if (in == null) {
        throw new IllegalStateException("web asset missing from the build: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
