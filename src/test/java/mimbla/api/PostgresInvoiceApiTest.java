package mimbla.api;

import mimbla.testing.StoreKind;

class PostgresInvoiceApiTest extends InvoiceApiContract {
  @Override
  StoreKind kind() {
    return StoreKind.POSTGRESQL;
  }
}
