namespace Vigil.Storage.Schema;

/// <summary>Private matching: accounts, vouchers and review cases (step 5). Released steps are never edited.</summary>
internal static class PrivateMatchingSchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(5,
            Sqlite: """
            -- One row per account that sent vouchers; its row is the account's lock (writers take it
            -- first). opened counts matches and synthetic vouchers alike and is never shown below the
            -- threshold; revealed_through is how many opened vouchers the latest recorded reveal saw.
            CREATE TABLE psi_accounts (
                account          TEXT    PRIMARY KEY,
                vouchers         INTEGER NOT NULL DEFAULT 0,
                opened           INTEGER NOT NULL DEFAULT 0,
                rejected         INTEGER NOT NULL DEFAULT 0,
                status           TEXT    NOT NULL DEFAULT 'below_threshold' CHECK (status IN ('below_threshold', 'revealed', 'flagged')),
                flag_reason      TEXT,
                revealed_through INTEGER NOT NULL DEFAULT 0,
                created_at       INTEGER NOT NULL,
                updated_at       INTEGER NOT NULL
            );

            -- Every voucher as received, with what the server key did to its outer layer; an opened
            -- voucher keeps the inner key it gave, so a later reveal need not open it again.
            CREATE TABLE psi_vouchers (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                account      TEXT    NOT NULL REFERENCES psi_accounts (account),
                voucher_id   TEXT    NOT NULL,
                list_version INTEGER NOT NULL,
                received_at  INTEGER NOT NULL,
                bytes        BLOB    NOT NULL,
                outcome      TEXT    NOT NULL CHECK (outcome IN ('closed', 'opened', 'rejected')),
                inner_key    BLOB,
                CHECK ((outcome = 'opened') = (inner_key IS NOT NULL)),
                UNIQUE (account, voucher_id)
            );
            CREATE INDEX psi_vouchers_opened ON psi_vouchers (account, id) WHERE outcome = 'opened';

            -- What a reviewer looks at: revealed vouchers now (source 'psi'), other matches later.
            -- status, reviewer and decided_at carry the review workflow; a source's case for one
            -- (account, voucher id) exists once.
            CREATE TABLE review_cases (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                source     TEXT    NOT NULL,
                account    TEXT,
                voucher_id TEXT,
                name       TEXT,
                pdq        TEXT    NOT NULL,
                thumbnail  BLOB,
                recheck    TEXT    NOT NULL,
                bank       TEXT,
                content_id INTEGER,
                distance   INTEGER,
                status     TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'dismissed')),
                reviewer   TEXT,
                decided_at INTEGER,
                created_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX review_cases_voucher ON review_cases (source, account, voucher_id) WHERE voucher_id IS NOT NULL;
            CREATE INDEX review_cases_status ON review_cases (status, id);
            CREATE INDEX review_cases_account ON review_cases (account) WHERE account IS NOT NULL;
            """,
            Postgres: """
            -- As in SQLite. An account's row is its lock: writers take it with SELECT ... FOR UPDATE
            -- first, so one account's uploads and reveals are recorded one at a time in every process.
            CREATE TABLE psi_accounts (
                account          text        PRIMARY KEY,
                vouchers         bigint      NOT NULL DEFAULT 0,
                opened           bigint      NOT NULL DEFAULT 0,
                rejected         bigint      NOT NULL DEFAULT 0,
                status           text        NOT NULL DEFAULT 'below_threshold' CHECK (status IN ('below_threshold', 'revealed', 'flagged')),
                flag_reason      text,
                revealed_through bigint      NOT NULL DEFAULT 0,
                created_at       timestamptz NOT NULL,
                updated_at       timestamptz NOT NULL
            );

            CREATE TABLE psi_vouchers (
                id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account      text        NOT NULL REFERENCES psi_accounts (account),
                voucher_id   text        NOT NULL,
                list_version bigint      NOT NULL,
                received_at  timestamptz NOT NULL,
                bytes        bytea       NOT NULL,
                outcome      text        NOT NULL CHECK (outcome IN ('closed', 'opened', 'rejected')),
                inner_key    bytea,
                CHECK ((outcome = 'opened') = (inner_key IS NOT NULL)),
                UNIQUE (account, voucher_id)
            );
            CREATE INDEX psi_vouchers_opened ON psi_vouchers (account, id) WHERE outcome = 'opened';
            -- Vouchers are random bytes: they do not compress.
            ALTER TABLE psi_vouchers ALTER COLUMN bytes SET STORAGE EXTERNAL;

            CREATE TABLE review_cases (
                id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                source     text        NOT NULL,
                account    text,
                voucher_id text,
                name       text,
                pdq        text        NOT NULL,
                thumbnail  bytea,
                recheck    text        NOT NULL,
                bank       text,
                content_id bigint,
                distance   integer,
                status     text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'dismissed')),
                reviewer   text,
                decided_at timestamptz,
                created_at timestamptz NOT NULL
            );
            CREATE UNIQUE INDEX review_cases_voucher ON review_cases (source, account, voucher_id) WHERE voucher_id IS NOT NULL;
            CREATE INDEX review_cases_status ON review_cases (status, id);
            CREATE INDEX review_cases_account ON review_cases (account) WHERE account IS NOT NULL;
            """),
    ];
}
