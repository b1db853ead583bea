package mimbla.web;

import io.javalin.http.Context;

/**
 * The headers every page, image, script and style sheet is sent with. The policy allows nothing but
 * files from this server: no inline script or style, no framing, forms only to ourselves.
 */
final class Headers {
  static final String POLICY =
      "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private Headers() {}

  static void secure(Context ctx) {
    ctx.header("Content-Security-Policy", POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    // The pay link is the payer's credential: it must not leak to the merchant's pages as a
    // referrer when the payer follows the return link.
    ctx.header("Referrer-Policy", "no-referrer");
  }

  /** Pages change with every payment and may show a merchant's data: never cache them. */
  static void noStore(Context ctx) {
    ctx.header("Cache-Control", "no-store");
  }
}
