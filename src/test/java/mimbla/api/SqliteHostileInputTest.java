package mimbla.api;

import mimbla.testing.StoreKind;

class SqliteHostileInputTest extends HostileInputContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.SQLITE;
  }
}
