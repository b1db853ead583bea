package mimbla.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class that shares one server among its tests, on the store its subclass names: the SQLite
 * and PostgreSQL variants of a contract differ only in {@link #kind()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerPerClass {
  protected TestServer server;

  /** A client authenticated as the server's business "shop". */
  protected Http merchant;

  protected abstract StoreKind kind();

  @BeforeAll
  void startServer() {
    server = TestServer.start(kind());
    merchant = server.merchant;
  }

  @AfterAll
  void stopServer() {
    server.close();
  }
}
