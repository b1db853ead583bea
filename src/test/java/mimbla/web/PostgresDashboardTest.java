package mimbla.web;

import mimbla.testing.StoreKind;

class PostgresDashboardTest extends DashboardContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.POSTGRESQL;
  }
}
