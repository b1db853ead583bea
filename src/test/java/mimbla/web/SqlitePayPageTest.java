package mimbla.web;

import mimbla.testing.StoreKind;

class SqlitePayPageTest extends PayPageContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.SQLITE;
  }
}
