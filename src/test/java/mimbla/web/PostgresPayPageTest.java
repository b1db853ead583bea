package mimbla.web;

import mimbla.testing.StoreKind;

class PostgresPayPageTest extends PayPageContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.POSTGRESQL;
  }
}
