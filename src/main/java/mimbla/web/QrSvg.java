package mimbla.web;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code drawn as an SVG image: one path of unit squares, dark on white, with the four-module
 * quiet zone scanners need. Drawn from the module grid alone, so nothing of the text encoded ends
 * up in the markup.
 */
final class QrSvg {
  private static final int QUIET_ZONE = 4;

  private QrSvg() {}

  static String of(String text) {
    QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
    int size = qr.size + QUIET_ZONE * 2;

    StringBuilder path = new StringBuilder();
    for (int y = 0; y < qr.size; y++) {
      for (int x = 0; x < qr.size; x++) {
        if (qr.getModule(x, y)) {
          path.append('M')
              .append(x + QUIET_ZONE)
              .append(',')
              .append(y + QUIET_ZONE)
              .append("h1v1h-1z");
        }
      }
    }

    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" \
        shape-rendering="crispEdges"><rect width="100%%" height="100%%" fill="#ffffff"/>\
        <path d="%s" fill="#000000"/></svg>
        """
        .formatted(size, size, size * 8, size * 8, path);
  }
}
