-- Webhook notifications. The delivery table is the outbox: a row is written in the transaction
-- that marks an invoice paid (or when a merchant asks for a redelivery), and dispatchers on every
-- node claim due rows from it. Instants are microseconds since the epoch, as in V1.

CREATE TABLE delivery (
    id           VARCHAR(36)   PRIMARY KEY,
    invoice_id   VARCHAR(36)   NOT NULL REFERENCES invoice (id),
    business_id  VARCHAR(36)   NOT NULL REFERENCES business (id),
    -- 'notification' (the one the paid invoice is owed) or 'redelivery' (asked for by the merchant).
    kind         VARCHAR(12)   NOT NULL,
    url          VARCHAR(2048) NOT NULL,
    -- The URL's host in lower case: concurrency is bounded per destination host.
    host         VARCHAR(255)  NOT NULL,
    -- 'due' (waiting for its due time), 'sending' (claimed: due_at is then the end of the lease,
    -- so a lease that runs out makes the row due again) or 'done'.
    state        VARCHAR(8)    NOT NULL,
    due_at       BIGINT        NOT NULL,
    lease_owner  VARCHAR(40),
    attempts     INTEGER       NOT NULL,
    -- The last attempt's outcome in short ('200', 'refused', …), for listings.
    outcome      VARCHAR(40),
    created_at   BIGINT        NOT NULL,
    updated_at   BIGINT        NOT NULL
);

-- Exactly one notification per invoice, however often the paid transition is retried.
CREATE UNIQUE INDEX delivery_notification ON delivery (invoice_id) WHERE kind = 'notification';
CREATE INDEX delivery_pending ON delivery (due_at) WHERE state <> 'done';
CREATE INDEX delivery_invoice ON delivery (invoice_id, created_at);

-- Every attempt to send a delivery, as the merchant reads it.
CREATE TABLE delivery_attempt (
    id              VARCHAR(36)  PRIMARY KEY,
    delivery_id     VARCHAR(36)  NOT NULL REFERENCES delivery (id),
    number          INTEGER      NOT NULL,
    started_at      BIGINT       NOT NULL,
    duration_micros BIGINT       NOT NULL,
    -- 'direct' now; Tor routes later.
    route           VARCHAR(20)  NOT NULL,
    http_status     INTEGER,
    -- Set when no HTTP answer arrived: refused, timeout, reset, tls, dns, blocked, …
    error_kind      VARCHAR(30),
    error_message   VARCHAR(500),
    -- The row was claimed again after a lease ran out (its node died or stalled mid-send), so
    -- the receiver may have seen this notification already.
    reclaimed       BOOLEAN      NOT NULL,
    node            VARCHAR(40)  NOT NULL
);

CREATE INDEX delivery_attempt_delivery ON delivery_attempt (delivery_id, number);

-- At most one redelivery waiting per invoice: a merchant pressing the button twice gets one.
CREATE UNIQUE INDEX delivery_one_redelivery ON delivery (invoice_id)
    WHERE kind = 'redelivery' AND state <> 'done';
