package mimbla.api;

import mimbla.testing.StoreKind;

class SqliteInvoiceApiTest extends InvoiceApiContract {
  @Override
  StoreKind kind() {
    return StoreKind.SQLITE;
  }
}
