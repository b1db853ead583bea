-- One schema for SQLite and PostgreSQL: portable types only. Instants are microseconds since
-- the epoch (BIGINT); money is in minor units (fiat cents) or atomic units (satoshi, piconero).

CREATE TABLE business (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(100) NOT NULL UNIQUE,
    client_id   VARCHAR(40)  NOT NULL UNIQUE,
    -- Comma-separated cryptos the business accepts; NULL means every crypto the server offers.
    cryptos     VARCHAR(40),
    created_at  BIGINT       NOT NULL
);

CREATE TABLE api_key (
    id           VARCHAR(36) PRIMARY KEY,
    business_id  VARCHAR(36) NOT NULL REFERENCES business (id),
    prefix       VARCHAR(16) NOT NULL UNIQUE,
    -- SHA-256 of the whole key, hex. The key itself is never stored.
    hash         VARCHAR(64) NOT NULL,
    created_at   BIGINT      NOT NULL,
    revoked_at   BIGINT
);

CREATE TABLE invoice (
    id                  VARCHAR(36)   PRIMARY KEY,
    slug                VARCHAR(12)   NOT NULL UNIQUE,
    business_id         VARCHAR(36)   NOT NULL REFERENCES business (id),
    amount_minor        BIGINT        NOT NULL,
    currency            VARCHAR(3)    NOT NULL,
    crypto              VARCHAR(3)    NOT NULL,
    status              VARCHAR(10)   NOT NULL,
    due_at              BIGINT        NOT NULL,
    close_url           VARCHAR(2048),
    redirect_url        VARCHAR(2048),
    webhook_url         VARCHAR(2048),
    automatic_redirect  BOOLEAN       NOT NULL,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL
);

CREATE INDEX invoice_due ON invoice (status, due_at);
CREATE INDEX invoice_business ON invoice (business_id, created_at);

CREATE TABLE payment (
    id                VARCHAR(36)  PRIMARY KEY,
    invoice_id        VARCHAR(36)  NOT NULL UNIQUE REFERENCES invoice (id),
    crypto            VARCHAR(3)   NOT NULL,
    address           VARCHAR(200) NOT NULL UNIQUE,
    amount_atomic     BIGINT       NOT NULL,
    -- The rate snapshot the amount was computed from, as the JSON text the API shows.
    rates             VARCHAR(200) NOT NULL,
    status            VARCHAR(10)  NOT NULL,
    -- Everything observed at the address, confirmed or not.
    seen_atomic       BIGINT       NOT NULL,
    -- What has the configured confirmations.
    confirmed_atomic  BIGINT       NOT NULL,
    -- What has been credited to the business; only ever grows.
    credited_atomic   BIGINT       NOT NULL,
    confirmations     INTEGER      NOT NULL,
    created_at        BIGINT       NOT NULL,
    updated_at        BIGINT       NOT NULL,
    -- When the payment became paid or overdue; late and double payments are watched after it.
    settled_at        BIGINT
);

CREATE INDEX payment_watch ON payment (status, settled_at);

-- What happened to an invoice, in order: the history merchants read.
CREATE TABLE invoice_event (
    invoice_id     VARCHAR(36)  NOT NULL REFERENCES invoice (id),
    seq            INTEGER      NOT NULL,
    at             BIGINT       NOT NULL,
    kind           VARCHAR(30)  NOT NULL,
    crypto         VARCHAR(3),
    amount_atomic  BIGINT,
    note           VARCHAR(500) NOT NULL,
    PRIMARY KEY (invoice_id, seq)
);

-- Money credited to a business. A balance is the sum of its entries; rows are never changed.
CREATE TABLE ledger_entry (
    id             VARCHAR(36) PRIMARY KEY,
    business_id    VARCHAR(36) NOT NULL REFERENCES business (id),
    crypto         VARCHAR(3)  NOT NULL,
    amount_atomic  BIGINT      NOT NULL,
    kind           VARCHAR(20) NOT NULL,
    payment_id     VARCHAR(36) REFERENCES payment (id),
    created_at     BIGINT      NOT NULL
);

CREATE INDEX ledger_business ON ledger_entry (business_id, crypto);

-- The sandbox payment source's play-money chain.
CREATE TABLE sandbox_address (
    address     VARCHAR(200) PRIMARY KEY,
    crypto      VARCHAR(3)   NOT NULL,
    label       VARCHAR(100) NOT NULL,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE sandbox_transfer (
    id             VARCHAR(36)  PRIMARY KEY,
    address        VARCHAR(200) NOT NULL REFERENCES sandbox_address (address),
    amount_atomic  BIGINT       NOT NULL,
    confirmations  INTEGER      NOT NULL,
    created_at     BIGINT       NOT NULL
);

CREATE INDEX sandbox_transfer_address ON sandbox_transfer (address);
