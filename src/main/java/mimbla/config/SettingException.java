package mimbla.config;

/** A setting that stops start-up: the message names the setting, its value and what was wanted. */
public final class SettingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SettingException(String message) {
    super(message);
  }

  static SettingException bad(RawSettings.Value value, String expected) {
    return new SettingException(
        "Bad setting %s = \"%s\" (%s): %s"
            .formatted(value.key(), value.text(), value.origin(), expected));
  }
}
