package mimbla.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON settings of the API: strict in, snake_case out. */
final class Json {
  private Json() {}

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxNumberLength(400)
                  .maxStringLength(ApiServer.MAX_BODY_BYTES)
                  .build())
          // Two values for one field is ambiguous; say so instead of guessing which one counts.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  static final ObjectMapper MAPPER =
      JsonMapper.builder(FACTORY)
          // Amounts are decimals: never let 0.1 become a binary double.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .build();
}
