package mimbla.web;

import mimbla.testing.StoreKind;

class SqliteDashboardTest extends DashboardContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.SQLITE;
  }
}
