package mimbla.invoice;

import mimbla.testing.StoreKind;

class PostgresPaymentLifecycleTest extends PaymentLifecycleContract {
  @Override
  StoreKind kind() {
    return StoreKind.POSTGRESQL;
  }
}
