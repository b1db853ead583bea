package mimbla.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The two databases every store and API test runs against. PostgreSQL is the machine's real server
 * (127.0.0.1:5432, trust auth); each test server gets a schema of its own.
 */
public enum StoreKind {
  SQLITE,
  POSTGRESQL;

  /** The base JDBC URL of the test database; overridden with -Dmimbla.test.postgres. */
  public static final String POSTGRES_URL =
      System.getProperty(
          "mimbla.test.postgres", "jdbc:postgresql://127.0.0.1:5432/mimbla_test?user=postgres");

  /** Settings that point a server at a fresh, empty database of this kind. */
  public Map<String, String> freshDatabase(Path dataDir) {
    if (this == SQLITE) {
      return Map.of("database.url", dataDir.resolve("test.db").toString());
    }
    ensureTestDatabase();
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(POSTGRES_URL, "CREATE SCHEMA " + schema);
    String separator = POSTGRES_URL.contains("?") ? "&" : "?";
    return Map.of("database.url", POSTGRES_URL + separator + "currentSchema=" + schema);
  }

  /** Drops what {@link #freshDatabase} made. */
  public void drop(Map<String, String> database) {
    if (this == POSTGRESQL) {
      String url = database.get("database.url");
      String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
      execute(POSTGRES_URL, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private static volatile boolean databaseChecked;

  /** Creates the test database on a server that lacks it, so a bare machine can run the tests. */
  private static synchronized void ensureTestDatabase() {
    if (databaseChecked) {
      return;
    }
    try (Connection ignored = DriverManager.getConnection(POSTGRES_URL)) {
      databaseChecked = true;
    } catch (SQLException missing) {
      String name = POSTGRES_URL.replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");
      execute(POSTGRES_URL.replace("/" + name, "/postgres"), "CREATE DATABASE " + name);
      databaseChecked = true;
    }
  }

  static void execute(String url, String sql) {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.createStatement().execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at "
              + url
              + " refused \""
              + sql
              + "\": "
              + e.getMessage()
              + " (is it running? .ci/run starts it and creates the mimbla_test database)",
          e);
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
