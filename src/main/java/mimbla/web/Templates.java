package mimbla.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The pages' templates, compiled at build time from {@code src/main/jte}. Every {@code ${…}} is
 * HTML-escaped for where it stands (text, attribute, URL), so nothing from an invoice or a business
 * reaches a page unescaped.
 */
final class Templates {
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

  private static void send(Context ctx, int status, StringOutput out) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
  }
}
