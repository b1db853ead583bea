package mimbla.api;

import mimbla.testing.StoreKind;

class PostgresHostileInputTest extends HostileInputContract {
  @Override
  StoreKind kind() {
    return StoreKind.POSTGRESQL;
  }
}
