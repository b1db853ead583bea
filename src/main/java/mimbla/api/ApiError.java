package mimbla.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer other than success, with its exact JSON body. The Mimbla API uses three envelopes:
 * {@code {"error"}}, {@code {"message"}} and {@code {"message","error"}}; each factory makes one.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient Map<String, Object> body;

  private ApiError(int status, Map<String, Object> body, String description) {
    super(description, null, false, false);
    this.status = status;
    this.body = body;
  }

  /** {@code {"message": …, "error": "dotted.code"}}: our envelope for every undocumented error. */
  static ApiError problem(int status, String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", message);
    body.put("error", code);
    return new ApiError(status, body, code + ": " + message);
  }

  /** {@code {"error": …}}: the documented envelope of invoice lookups and deletes. */
  static ApiError errorOnly(int status, String error) {
    return new ApiError(status, Map.of("error", error), error);
  }

  /** {@code {"message": …}}: the documented envelope of authentication failures. */
  static ApiError messageOnly(int status, String message) {
    return new ApiError(status, Map.of("message", message), message);
  }

  static ApiError badRequest(String code, String message) {
    return problem(400, code, message);
  }

  int status() {
    return status;
  }

  Map<String, Object> body() {
    return body;
  }
}
