package mimbla.chain;

import java.util.Locale;
import java.util.Optional;

/** Whether a payment source can be used now, and if not, why, in words safe to show anyone. */
public record SourceHealth(State state, Optional<String> problem) {
  public enum State {
    /** Not asked yet: the first scan has not run. */
    UNKNOWN,
    OK,
    /** The daemon or wallet does not answer, or refuses the credentials. */
    UNREACHABLE,
    /** The daemon answers but is still loading or catching up with its chain. */
    SYNCING;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static SourceHealth ok() {
    return new SourceHealth(State.OK, Optional.empty());
  }

  public static SourceHealth unknown() {
    return new SourceHealth(State.UNKNOWN, Optional.empty());
  }

  public static SourceHealth down(State state, String problem) {
    return new SourceHealth(state, Optional.of(problem));
  }

  public boolean usable() {
    return state == State.OK || state == State.UNKNOWN;
  }
}
