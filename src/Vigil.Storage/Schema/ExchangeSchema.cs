namespace Vigil.Storage.Schema;

/// <summary>Hash exchanges (step 9). Released steps are never edited.</summary>
internal static class ExchangeSchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(9,
            Sqlite: """
            -- Where hash lists are fetched from, and how far. credentials_file is a path: the secrets stay in
            -- the file. A fetch holds its exchange with lease_token + lease_until. Times are microseconds.
            CREATE TABLE exchanges (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                name             TEXT    NOT NULL UNIQUE,
                type             TEXT    NOT NULL CHECK (type IN ('ncmec', 'stopncii', 'threatexchange', 'url')),
                bank_id          INTEGER NOT NULL REFERENCES banks (id) ON DELETE CASCADE,
                base_url         TEXT,
                options_json     TEXT    NOT NULL DEFAULT '{}',
                credentials_file TEXT,
                interval_seconds INTEGER NOT NULL CHECK (interval_seconds >= 1),
                enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
                created_at       INTEGER NOT NULL,
                checkpoint       TEXT,
                checkpoint_at    INTEGER,
                last_status      TEXT    NOT NULL DEFAULT 'never' CHECK (last_status IN ('never', 'ok', 'error', 'auth_failed')),
                last_error       TEXT,
                last_started_at  INTEGER,
                last_finished_at INTEGER,
                last_added       INTEGER NOT NULL DEFAULT 0,
                last_removed     INTEGER NOT NULL DEFAULT 0,
                last_skipped     INTEGER NOT NULL DEFAULT 0,
                total_added      INTEGER NOT NULL DEFAULT 0,
                total_removed    INTEGER NOT NULL DEFAULT 0,
                total_skipped    INTEGER NOT NULL DEFAULT 0,
                lease_token      TEXT,
                lease_until      INTEGER
            );
            """,
            Postgres: """
            -- As in SQLite: where hash lists are fetched from, and how far.
            CREATE TABLE exchanges (
                id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name             text        NOT NULL UNIQUE,
                type             text        NOT NULL CHECK (type IN ('ncmec', 'stopncii', 'threatexchange', 'url')),
                bank_id          bigint      NOT NULL REFERENCES banks (id) ON DELETE CASCADE,
                base_url         text,
                options_json     text        NOT NULL DEFAULT '{}',
                credentials_file text,
                interval_seconds integer     NOT NULL CHECK (interval_seconds >= 1),
                enabled          boolean     NOT NULL DEFAULT true,
                created_at       timestamptz NOT NULL,
                checkpoint       text,
                checkpoint_at    timestamptz,
                last_status      text        NOT NULL DEFAULT 'never' CHECK (last_status IN ('never', 'ok', 'error', 'auth_failed')),
                last_error       text,
                last_started_at  timestamptz,
                last_finished_at timestamptz,
                last_added       bigint      NOT NULL DEFAULT 0,
                last_removed     bigint      NOT NULL DEFAULT 0,
                last_skipped     bigint      NOT NULL DEFAULT 0,
                total_added      bigint      NOT NULL DEFAULT 0,
                total_removed    bigint      NOT NULL DEFAULT 0,
                total_skipped    bigint      NOT NULL DEFAULT 0,
                lease_token      text,
                lease_until      timestamptz
            );
            """),
        new(11,
            Sqlite: """
            -- Banks whose review-confirmed content is shared to an exchange that takes submissions: off unless an admin
            -- adds a row (who and when kept), gone with the exchange or the bank.
            CREATE TABLE exchange_shares (
                exchange_id INTEGER NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
                bank_id     INTEGER NOT NULL REFERENCES banks (id) ON DELETE CASCADE,
                enabled_by  TEXT    NOT NULL,
                enabled_at  INTEGER NOT NULL,
                PRIMARY KEY (exchange_id, bank_id)
            );
            CREATE INDEX exchange_shares_bank ON exchange_shares (bank_id);
            """,
            Postgres: """
            -- As in SQLite: banks whose review-confirmed content is shared to an exchange, only when an admin says so.
            CREATE TABLE exchange_shares (
                exchange_id bigint      NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
                bank_id     bigint      NOT NULL REFERENCES banks (id) ON DELETE CASCADE,
                enabled_by  text        NOT NULL,
                enabled_at  timestamptz NOT NULL,
                PRIMARY KEY (exchange_id, bank_id)
            );
            CREATE INDEX exchange_shares_bank ON exchange_shares (bank_id);
            """),
    ];
}
