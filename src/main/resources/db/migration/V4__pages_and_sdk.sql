-- The dashboard's sign-ins, the SDK's allowed origins, and indexes for the dashboard's invoice
-- list. Instants are microseconds since the epoch, as in V1.

-- A merchant signed in to the dashboard with an API key. The browser holds only a random token;
-- the row is found by that token's SHA-256 and dies with the key that opened it (key_prefix).
CREATE TABLE dashboard_session (
    id           VARCHAR(64)  PRIMARY KEY,
    business_id  VARCHAR(36)  NOT NULL REFERENCES business (id),
    key_prefix   VARCHAR(16)  NOT NULL,
    -- The token every form of this session must carry back (CSRF).
    csrf         VARCHAR(64)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    expires_at   BIGINT       NOT NULL
);

CREATE INDEX dashboard_session_expiry ON dashboard_session (expires_at);

-- Web origins ('https://shop.example', no path) allowed to call the browser SDK API with the
-- business's public client id. A business without any cannot use the SDK API.
CREATE TABLE sdk_origin (
    business_id  VARCHAR(36)  NOT NULL REFERENCES business (id),
    origin       VARCHAR(300) NOT NULL,
    PRIMARY KEY (business_id, origin)
);

CREATE INDEX sdk_origin_origin ON sdk_origin (origin);

-- The dashboard lists a business's invoices newest first, all or by status, a page at a time from
-- the last row shown: these keep every page as cheap as the first.
CREATE INDEX invoice_business_page ON invoice (business_id, created_at, id);
CREATE INDEX invoice_business_status_page ON invoice (business_id, status, created_at, id);
