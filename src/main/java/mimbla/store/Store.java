package mimbla.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import mimbla.config.Settings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database: a connection pool, the migrations and transactions, on SQLite or PostgreSQL.
 *
 * <p>Each feature keeps its SQL in one repository class that takes a {@link Handle}; this class
 * hides what differs between the two databases ({@link Dialect}) so that SQL stays portable.
 */
public final class Store implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Store.class);

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Dialect dialect;
  private final Optional<Path> file;

  /**
   * SQLite admits one writer at a time and makes the others wait inside native code, which pins the
   * carrier thread of a virtual thread: with two cores, two waiting writers could stall every
   * request. Writers of this process therefore queue here, where waiting costs nothing; SQLite's
   * busy timeout still covers other processes (the CLI) writing to the same file.
   */
  private final ReentrantLock sqliteWriter = new ReentrantLock();

  private Store(HikariDataSource dataSource, Dialect dialect, Optional<Path> file) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource);
    this.dialect = dialect;
    this.file = file;
  }

  /** Connects, brings the schema up to date and returns the ready store. */
  public static Store open(Settings.Database database) {
    Dialect dialect =
        database.kind() == Settings.Database.Kind.SQLITE ? Dialect.SQLITE : Dialect.POSTGRESQL;
    Optional<Path> file = Optional.empty();
    if (dialect == Dialect.SQLITE) {
      file = Optional.of(Path.of(database.jdbcUrl().substring("jdbc:sqlite:".length())));
      createFolderOf(file.get());
    }

    HikariDataSource dataSource = new HikariDataSource(poolConfig(database, dialect));
    Store store = new Store(dataSource, dialect, file);
    try {
      store.migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return store;
  }

  private static HikariConfig poolConfig(Settings.Database database, Dialect dialect) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("store");
    config.setJdbcUrl(database.jdbcUrl());
    if (!database.user().isEmpty()) {
      config.setUsername(database.user());
    }
    if (!database.password().isEmpty()) {
      config.setPassword(database.password());
    }
    config.setMaximumPoolSize(database.poolSize());
    config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
    config.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());

    if (dialect == Dialect.SQLITE) {
      // WAL lets readers run beside the one writer; IMMEDIATE takes the write lock when a
      // transaction begins, so two writers queue on busy_timeout instead of failing on upgrade.
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("foreign_keys", "true");
      config.addDataSourceProperty("busy_timeout", "15000");
      config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    }
    return config;
  }

  private static void createFolderOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new StoreException("Cannot create the data folder " + parent + ": " + e, e);
    }
  }

  private void migrate() {
    try {
      var result =
          Flyway.configure()
              .dataSource(dataSource)
              .locations("classpath:db/migration")
              .load()
              .migrate();
      log.info(
          "store: {} schema at version {} ({} migrations applied now)",
          dialect,
          result.targetSchemaVersion,
          result.migrationsExecuted);
    } catch (FlywayException e) {
      throw new StoreException("Cannot migrate the database: " + e.getMessage(), e);
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The database file, for SQLite; PostgreSQL has none the server owns. */
  public Optional<Path> file() {
    return file;
  }

  /**
   * A connection of the pool for a caller that holds it for long (a LISTEN loop). The caller closes
   * it, which returns it to the pool.
   */
  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** Runs work in one transaction: it commits when the callback returns, rolls back on throw. */
  public <R> R inTransaction(HandleCallback<R, RuntimeException> work) {
    if (dialect != Dialect.SQLITE) {
      return jdbi.inTransaction(work);
    }
    sqliteWriter.lock();
    try {
      return jdbi.inTransaction(work);
    } finally {
      sqliteWriter.unlock();
    }
  }

  /**
   * A transaction whose loss in a database crash or power cut is harmless because what it records
   * is redone anyway: a delivery's lease, an attempt record (a lost one means the delivery is sent
   * again, which the webhook contract allows after a crash). It is as atomic as any other and
   * survives the server process dying; it only does not wait for the disk: PostgreSQL commits
   * asynchronously, SQLite syncs its write-ahead log at the next flushed commit instead.
   */
  public <R> R inRedoableTransaction(HandleCallback<R, RuntimeException> work) {
    if (dialect != Dialect.SQLITE) {
      return jdbi.inTransaction(
          handle -> {
            handle.execute("SET LOCAL synchronous_commit TO OFF");
            return work.withHandle(handle);
          });
    }
    sqliteWriter.lock();
    try {
      return jdbi.withHandle(
          handle -> {
            // Per connection, and outside the transaction: SQLite refuses it inside one.
            handle.execute("PRAGMA synchronous = NORMAL");
            try {
              return handle.inTransaction(work);
            } finally {
              handle.execute("PRAGMA synchronous = FULL");
            }
          });
    } finally {
      sqliteWriter.unlock();
    }
  }

  public void useTransaction(HandleConsumer<RuntimeException> work) {
    inTransaction(
        handle -> {
          work.useHandle(handle);
          return null;
        });
  }

  /** Runs reads outside a transaction, each statement on its own. */
  public <R> R read(HandleCallback<R, RuntimeException> work) {
    return jdbi.withHandle(work);
  }

  /** True when the failure is a unique constraint refusing a duplicate row. */
  public boolean isUniqueViolation(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && dialect.isUniqueViolation(sql)) {
        return true;
      }
    }
    return false;
  }

  /** A cheap round trip for health checks. */
  public boolean reachable() {
    try {
      return read(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one() == 1);
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
