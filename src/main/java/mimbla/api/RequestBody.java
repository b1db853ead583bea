package mimbla.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A request's fields with their JSON types checked. Bodies are JSON objects; a form-encoded body is
 * read as an object of strings, as Laravel would. Every refusal names the field.
 *
 * <p>Empty strings count as absent, as Laravel's {@code ConvertEmptyStringsToNull} makes them: a
 * PHP integration that sends {@code "close_url": ""} means "no close URL".
 */
final class RequestBody {
  private static final int MAX_NUMBER_TEXT = 100;

  private final ObjectNode fields;
  private final String codePrefix;

  private RequestBody(ObjectNode fields, String codePrefix) {
    this.fields = fields;
    this.codePrefix = codePrefix;
  }

  /** Reads at most the body limit; an empty body is an empty object. */
  static RequestBody read(Context ctx, String codePrefix) {
    byte[] bytes = bytes(ctx);
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return new RequestBody(JsonNodeFactory.instance.objectNode(), codePrefix);
    }
    // curl -d sends JSON labelled as a form; a body that opens like JSON is read as JSON.
    if (isForm(ctx) && !text.startsWith("{") && !text.startsWith("[")) {
      return new RequestBody(formFields(text), codePrefix);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(
          "request.malformed_json", "Request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiError.badRequest("request.malformed_json", "Request body cannot be read");
    }
    if (!(root instanceof ObjectNode object)) {
      throw ApiError.badRequest("request.body_not_object", "Request body must be a JSON object");
    }
    return new RequestBody(object, codePrefix);
  }

  private static byte[] bytes(Context ctx) {
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes(ApiServer.MAX_BODY_BYTES + 1);
      if (bytes.length > ApiServer.MAX_BODY_BYTES) {
        ApiServer.drain(ctx);
        throw ApiServer.tooLarge();
      }
      return bytes;
    } catch (IOException e) {
      throw ApiError.badRequest("request.unreadable", "Request body cannot be read");
    }
  }

  private static boolean isForm(Context ctx) {
    String type = ctx.contentType();
    return type != null
        && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  private static ObjectNode formFields(String form) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      if (object.has(name)) {
        throw ApiError.badRequest("request.duplicate_field", name + " is given more than once");
      }
      object.put(name, value);
    }
    return object;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("request.malformed_form", "Request body is not valid form data");
    }
  }

  /** A string field: absent, null and "" are empty; any other type is refused. */
  Optional<String> text(String field) {
    JsonNode node = fields.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw invalid(field, field + " must be a string");
    }
    return node.textValue().isEmpty() ? Optional.empty() : Optional.of(node.textValue());
  }

  /** A decimal given as a JSON number or a numeric string, as Laravel's numeric rule allows. */
  Optional<BigDecimal> decimal(String field) {
    JsonNode node = fields.get(field);
    if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
      return Optional.empty();
    }
    if (node.isNumber()) {
      return Optional.of(node.decimalValue());
    }
    if (node.isTextual() && node.textValue().length() <= MAX_NUMBER_TEXT) {
      try {
        return Optional.of(new BigDecimal(node.textValue().strip()));
      } catch (NumberFormatException e) {
        // Reported below.
      }
    }
    throw invalid(field, field + " must be a number");
  }

  /** A whole number within bounds, as a JSON integer or an integer string. */
  Optional<Integer> integer(String field, int min, int max) {
    Optional<BigDecimal> value = decimal(field);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal number = value.get();
    String range = "%s must be a whole number from %d to %d".formatted(field, min, max);
    try {
      if (number.compareTo(BigDecimal.valueOf(min)) >= 0
          && number.compareTo(BigDecimal.valueOf(max)) <= 0) {
        return Optional.of(number.intValueExact());
      }
    } catch (ArithmeticException fractional) {
      // Reported below.
    }
    throw invalid(field, range);
  }

  /** Laravel's boolean: true, false, 1, 0, "1", "0", plus "true" and "false". */
  boolean bool(String field) {
    JsonNode node = fields.get(field);
    if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
      return false;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    String text = node.isTextual() ? node.textValue() : numberWord(node);
    return switch (text) {
      case "1", "true" -> true;
      case "0", "false" -> false;
      default -> throw invalid(field, field + " must be true or false");
    };
  }

  private static String numberWord(JsonNode node) {
    if (!node.isNumber()) {
      return "";
    }
    BigDecimal number = node.decimalValue();
    return number.signum() == 0 ? "0" : number.compareTo(BigDecimal.ONE) == 0 ? "1" : "";
  }

  /** Refuses a missing value of a required field. */
  static <T> T required(Optional<T> value, String code, String field) {
    return value.orElseThrow(() -> ApiError.badRequest(code, field + " is required"));
  }

  private ApiError invalid(String field, String message) {
    return ApiError.badRequest(codePrefix + "." + field + "_invalid", message);
  }
}
