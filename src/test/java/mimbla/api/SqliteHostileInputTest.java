package mimbla.api;

import mimbla.testing.StoreKind;

class SqliteHostileInputTest extends HostileInputContract {
  @Override
  StoreKind kind() {
    return StoreKind.SQLITE;
  }
}
