package mimbla.api;

import mimbla.testing.StoreKind;

class PostgresInvoiceApiTest extends InvoiceApiContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.POSTGRESQL;
  }
}
