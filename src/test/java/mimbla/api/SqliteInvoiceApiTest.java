package mimbla.api;

import mimbla.testing.StoreKind;

class SqliteInvoiceApiTest extends InvoiceApiContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.SQLITE;
  }
}
