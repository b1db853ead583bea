-- Payment sources on real chains (Bitcoin Core-family JSON-RPC, monero-wallet-rpc). The wallet is
-- the record of what arrived; these tables are what the server has read from it, so that a
-- restart resumes where it stopped and the watcher reads addresses without a wallet call each.

-- Every address a chain source handed out, with the wallet's own index where it has one
-- (the Monero subaddress index), so incoming transfers are matched to the address they paid.
CREATE TABLE chain_address (
    crypto         VARCHAR(3)   NOT NULL,
    address        VARCHAR(200) NOT NULL,
    wallet_index   BIGINT,
    label          VARCHAR(100) NOT NULL,
    created_at     BIGINT       NOT NULL,
    PRIMARY KEY (crypto, address)
);

CREATE INDEX chain_address_index ON chain_address (crypto, wallet_index);

-- One incoming output (BTC family: txid and vout) or one incoming transfer to a subaddress
-- (Monero: txid and subaddress index), as last reported by the wallet.
CREATE TABLE chain_transfer (
    crypto         VARCHAR(3)   NOT NULL,
    transfer_id    VARCHAR(100) NOT NULL,
    address        VARCHAR(200) NOT NULL,
    amount_atomic  BIGINT       NOT NULL,
    confirmations  INTEGER      NOT NULL,
    updated_at     BIGINT       NOT NULL,
    PRIMARY KEY (crypto, transfer_id)
);

CREATE INDEX chain_transfer_address ON chain_transfer (crypto, address);

-- Where the next scan of a crypto's wallet starts: a block hash (BTC family, for
-- listsinceblock) or a height (Monero). Written in the transaction that stores what the scan
-- found, so a restart neither misses a transfer nor counts one twice.
CREATE TABLE chain_cursor (
    crypto      VARCHAR(3)   PRIMARY KEY,
    position    VARCHAR(100) NOT NULL,
    updated_at  BIGINT       NOT NULL
);
