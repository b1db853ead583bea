package mimbla.webhook;

import mimbla.testing.StoreKind;

class PostgresWebhookDeliveryTest extends WebhookDeliveryContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.POSTGRESQL;
  }
}
