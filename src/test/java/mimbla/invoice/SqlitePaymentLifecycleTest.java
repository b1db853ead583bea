package mimbla.invoice;

import mimbla.testing.StoreKind;

class SqlitePaymentLifecycleTest extends PaymentLifecycleContract {
  @Override
  StoreKind kind() {
    return StoreKind.SQLITE;
  }
}
