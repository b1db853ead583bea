package mimbla.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A notification owed to a merchant's webhook URL, with every attempt made to send it. The invoice
 * is known only by its id: which invoice is paid is the invoice part's business.
 */
public record Delivery(
    String id,
    String invoiceId,
    Kind kind,
    String url,
    State state,
    Instant dueAt,
    int attempts,
    Optional<String> outcome,
    Instant createdAt,
    Instant updatedAt,
    List<Attempt> attemptLog) {

  /** Why the delivery exists. */
  public enum Kind {
    /** The one notification a paid invoice with a webhook URL is owed. */
    NOTIFICATION,
    /** A new attempt the merchant asked for. */
    REDELIVERY;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where the delivery stands. */
  public enum State {
    /** Waiting for its due time (now, or a retry later). */
    DUE,
    /** Claimed by a dispatcher; due again if its lease runs out. */
    SENDING,
    /** Sent, whatever the answer was, and no retry is due. */
    DONE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
