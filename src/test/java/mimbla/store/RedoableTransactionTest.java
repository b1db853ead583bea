package mimbla.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A redoable transaction commits like any other, and on SQLite hands its connection back to the
 * pool flushing every commit again, even when the work fails.
 */
class RedoableTransactionTest {
  @TempDir Path folder;

  Store oneConnectionStore() {
    RawSettings raw =
        RawSettings.defaults()
            .with("data.dir", folder.toString(), "test")
            .with("database.pool-size", "1", "test");
    return Store.open(Settings.database(raw));
  }

  int rows(Store store) {
    return store.read(h -> h.createQuery("SELECT COUNT(*) FROM redone").mapTo(Integer.class).one());
  }

  int synchronous(Store store) {
    return store.read(h -> h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one());
  }

  @Test
  void commitsAndRestoresFullSync() {
    try (Store store = oneConnectionStore()) {
      int full = synchronous(store);

      store.inRedoableTransaction(h -> h.execute("CREATE TABLE redone (id INTEGER PRIMARY KEY)"));
      store.inRedoableTransaction(h -> h.execute("INSERT INTO redone (id) VALUES (1)"));

      assertThat(full).as("FULL").isEqualTo(2);
      assertThat(synchronous(store)).isEqualTo(full);
      assertThat(rows(store)).isEqualTo(1);
    }
  }

  @Test
  void rollsBackAndRestoresFullSyncWhenTheWorkFails() {
    try (Store store = oneConnectionStore()) {
      store.inRedoableTransaction(h -> h.execute("CREATE TABLE redone (id INTEGER PRIMARY KEY)"));

      assertThatThrownBy(
              () ->
                  store.inRedoableTransaction(
                      h -> {
                        h.execute("INSERT INTO redone (id) VALUES (1)");
                        throw new IllegalStateException("work failed");
                      }))
          .hasMessage("work failed");

      assertThat(synchronous(store)).isEqualTo(2);
      assertThat(rows(store)).isZero();
    }
  }
}
