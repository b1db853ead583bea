package mimbla.net;

/**
 * The SOCKS5 reply codes Tor sends, with {@code ExtendedErrors} on its SOCKS port adding the onion
 * service codes F0–F7 (tor's socks-extensions.txt), each with the error kind an attempt records.
 */
enum SocksReply {
  GENERAL_FAILURE(0x01, "tor_failure", "Tor: general failure (the stream could not be opened)"),
  NOT_ALLOWED(0x02, "tor_not_allowed", "Tor: not allowed by the exit's policy"),
  NETWORK_UNREACHABLE(0x03, "tor_network_unreachable", "Tor: network unreachable from the exit"),
  HOST_UNREACHABLE(
      0x04,
      "tor_host_unreachable",
      "Tor: host unreachable (the exit could not " + "resolve or reach it)"),
  CONNECTION_REFUSED(0x05, "tor_refused", "Tor: the exit's connection to the host was refused"),
  TTL_EXPIRED(0x06, "tor_ttl_expired", "Tor: TTL expired (the stream or circuit timed out)"),
  COMMAND_NOT_SUPPORTED(0x07, "tor_protocol", "Tor: SOCKS command not supported"),
  ADDRESS_NOT_SUPPORTED(0x08, "tor_protocol", "Tor: address type not supported"),
  ONION_NOT_FOUND(
      0xF0,
      "onion_not_found",
      "Tor: onion service descriptor not found (the service "
          + "is down or the address is not published)"),
  ONION_DESCRIPTOR_INVALID(
      0xF1, "onion_descriptor_invalid", "Tor: onion service descriptor is " + "invalid"),
  ONION_INTRO_FAILED(0xF2, "onion_intro_failed", "Tor: onion service introduction failed"),
  ONION_RENDEZVOUS_FAILED(0xF3, "onion_rendezvous_failed", "Tor: onion service rendezvous failed"),
  ONION_AUTH_MISSING(
      0xF4, "onion_auth_missing", "Tor: the onion service requires client " + "authorization"),
  ONION_AUTH_WRONG(
      0xF5, "onion_auth_wrong", "Tor: the onion service refused the client " + "authorization"),
  ONION_BAD_ADDRESS(0xF6, "onion_bad_address", "Tor: invalid onion service address"),
  ONION_INTRO_TIMEOUT(0xF7, "onion_intro_timeout", "Tor: onion service introduction timed out");

  private final int code;
  private final String kind;
  private final String meaning;

  SocksReply(int code, String kind, String meaning) {
    this.code = code;
    this.kind = kind;
    this.meaning = meaning;
  }

  /** The refusal a non-zero reply code stands for; unknown codes are kept with their number. */
  static TorRefusalException refusal(int code) {
    for (SocksReply reply : values()) {
      if (reply.code == code) {
        return new TorRefusalException(
            reply.kind, "%s (SOCKS5 reply 0x%02X)".formatted(reply.meaning, code));
      }
    }
    return new TorRefusalException(
        "tor_failure", "Tor: unknown SOCKS5 reply 0x%02X".formatted(code));
  }
}
