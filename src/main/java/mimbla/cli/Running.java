package mimbla.cli;

import java.net.BindException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import mimbla.Mimbla;
import mimbla.config.Settings;

/** Runs a server in the foreground until the process is told to stop (Ctrl-C, SIGTERM). */
final class Running {
  private Running() {}

  static int serve(Settings settings, Consumer<Mimbla> afterStart) {
    Mimbla mimbla = start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  mimbla.close();
                  stopped.countDown();
                },
                "shutdown"));

    afterStart.accept(mimbla);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static Mimbla start(Settings settings) {
    try {
      return Mimbla.start(settings, Clock.systemUTC());
    } catch (RuntimeException e) {
      if (causedBy(e, BindException.class)) {
        throw new CliException(
            "cannot listen on %s:%d: the port is in use (set server.port or MIMBLA_SERVER_PORT)"
                .formatted(settings.host(), settings.port()),
            e);
      }
      throw e;
    }
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }
}
