package mimbla.webhook;

import mimbla.testing.StoreKind;

class SqliteWebhookDeliveryTest extends WebhookDeliveryContract {
  @Override
  protected StoreKind kind() {
    return StoreKind.SQLITE;
  }
}
