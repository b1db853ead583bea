package mimbla.store;

import java.sql.SQLException;

/** The few places where SQLite and PostgreSQL need different SQL or error handling. */
public enum Dialect {
  SQLITE {
    @Override
    public String forUpdate() {
      // Transactions begin IMMEDIATE and hold the database's one write lock, which already
      // serialises writers; SQLite has no row locks to take.
      return "";
    }

    @Override
    public String forUpdateSkipLocked() {
      return "";
    }

    @Override
    public boolean listensForNotifications() {
      return false;
    }

    @Override
    boolean isUniqueViolation(SQLException e) {
      // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
      return e.getErrorCode() == 2067
          || e.getErrorCode() == 1555
          || (e.getErrorCode() == 19 && String.valueOf(e.getMessage()).contains("UNIQUE"));
    }
  },

  POSTGRESQL {
    @Override
    public String forUpdate() {
      return " FOR UPDATE";
    }

    @Override
    public String forUpdateSkipLocked() {
      return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    public boolean listensForNotifications() {
      return true;
    }

    @Override
    boolean isUniqueViolation(SQLException e) {
      return "23505".equals(e.getSQLState());
    }
  };

  /** The suffix that locks the rows a SELECT reads until the transaction ends. */
  public abstract String forUpdate();

  /**
   * The suffix that locks the rows a SELECT reads and passes over rows another transaction holds,
   * so that several nodes can claim work from one table without waiting for each other.
   */
  public abstract String forUpdateSkipLocked();

  /** Whether the database can wake other nodes when work arrives (LISTEN/NOTIFY). */
  public abstract boolean listensForNotifications();

  abstract boolean isUniqueViolation(SQLException e);
}
