package mimbla.api;

import mimbla.testing.StoreKind;

class PostgresHostileInputTest extends HostileInputContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.POSTGRESQL;
  }
}
