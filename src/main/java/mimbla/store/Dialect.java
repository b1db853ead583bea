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
    boolean isUniqueViolation(SQLException e) {
      return "23505".equals(e.getSQLState());
    }
  };

  /** The suffix that locks the rows a SELECT reads until the transaction ends. */
  public abstract String forUpdate();

  abstract boolean isUniqueViolation(SQLException e);
}
