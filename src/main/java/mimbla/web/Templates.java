package mimbla.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;
import mimbla.rates.RatesUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pages' templates, compiled at build time from {@code src/main/jte}. Every {@code ${…}} is
 * HTML-escaped for where it stands (text, attribute, URL), so nothing from an invoice or a business
 * reaches a page unescaped.
 */
final class Templates {
  private static final Logger log = LoggerFactory.getLogger(Templates.class);

  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  /** Renders the template into the answer with the given status. */
  void render(Context ctx, int status, String template, Object page) {
    StringOutput out = new StringOutput();
    engine.render(template, page, out);
    send(ctx, status, out);
  }

  /** Renders a template that takes named parameters, or none. */
  void render(Context ctx, int status, String template, Map<String, Object> parameters) {
    StringOutput out = new StringOutput();
    engine.render(template, parameters, out);
    send(ctx, status, out);
  }

  /**
   * The handler, answering a failure it did not expect with an HTML page instead of the API's JSON:
   * a 503 when prices are missing, else a 500 whose cause is logged here, once.
   */
  Handler guarded(Handler handler) {
    return ctx -> {
      try {
        handler.handle(ctx);
      } catch (RatesUnavailableException e) {
        render(
            ctx,
            503,
            "error.jte",
            Map.of(
                "title", "Prices are not available",
                "message", "The amount to pay cannot be worked out right now. Try again soon."));
      } catch (RuntimeException e) {
        log.error("web: {} {} failed", ctx.method(), ctx.path(), e);
        render(
            ctx,
            500,
            "error.jte",
            Map.of(
                "title", "Something went wrong",
                "message", "The server could not show this page. Try again in a moment."));
      }
    };
  }

  private static void send(Context ctx, int status, StringOutput out) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
  }
}
