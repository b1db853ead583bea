package mimbla.chain;

import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one chain source as its last wallet call showed it. A change is logged once, when
 * it happens, so a daemon that stays down for an hour writes two lines, not one per poll.
 */
final class HealthTracker {
  private static final Logger log = LoggerFactory.getLogger(HealthTracker.class);

  private final Crypto crypto;
  private final String where;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile SourceHealth current = SourceHealth.unknown();

  HealthTracker(Crypto crypto, String where) {
    this.crypto = crypto;
    this.where = where;
  }

  SourceHealth current() {
    return current;
  }

  void ok() {
    change(SourceHealth.ok());
  }

  /** Records a failure and returns the exception a caller should see. */
  SourceUnavailableException failed(RpcFailure failure) {
    SourceHealth.State state =
        failure.kind() == RpcFailure.Kind.SYNCING
            ? SourceHealth.State.SYNCING
            : SourceHealth.State.UNREACHABLE;
    return failed(state, failure.getMessage());
  }

  SourceUnavailableException failed(SourceHealth.State state, String problem) {
    change(SourceHealth.down(state, problem));
    return new SourceUnavailableException(
        crypto,
        "%s payments are unavailable right now: the wallet is %s"
            .formatted(
                crypto, state == SourceHealth.State.SYNCING ? "still syncing" : "unreachable"));
  }

  private void change(SourceHealth next) {
    lock.lock();
    try {
      SourceHealth before = current;
      current = next;
      if (before.state() == next.state()) {
        return;
      }
      if (next.state() == SourceHealth.State.OK) {
        log.info("chain: crypto={} source={} {}", crypto, where, "ready");
      } else {
        log.warn(
            "chain: crypto={} source={} {}: {}",
            crypto,
            where,
            next.state().wire(),
            next.problem().orElse(""));
      }
    } finally {
      lock.unlock();
    }
  }
}
