namespace Vigil.Storage.Sqlite;

/// <summary>One numbered step of the schema. Steps run in order, each once, and are never edited once released.</summary>
/// <param name="Version">The schema version the step produces (1, 2, ...).</param>
/// <param name="Name">A short description, recorded in <c>schema_migrations</c>.</param>
/// <param name="Sql">The statements.</param>
internal sealed record SqliteMigration(int Version, string Name, string Sql);

/// <summary>
/// The SQLite schema. The PostgreSQL schema mirrors it table for table and column for column; only
/// the types differ (INTEGER flags are booleans there, INTEGER times microseconds since the Unix
/// epoch are <c>timestamptz</c>, INTEGER PRIMARY KEY is <c>bigint generated always as identity</c>).
/// </summary>
internal static class SqliteMigrations
{
    // The time SQLite's triggers stamp on a change, in microseconds (julianday has millisecond precision).
    private const string NowMicros = "(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 1000)";

    public static IReadOnlyList<SqliteMigration> All { get; } =
    [
        new(1, "banks, content, signals and the change log", $$"""
            CREATE TABLE banks (
                id            INTEGER PRIMARY KEY AUTOINCREMENT,
                name          TEXT    NOT NULL UNIQUE,
                enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
                enabled_ratio REAL    NOT NULL DEFAULT 1.0 CHECK (enabled_ratio BETWEEN 0.0 AND 1.0),
                is_negative   INTEGER NOT NULL DEFAULT 0 CHECK (is_negative IN (0, 1)),
                labels        TEXT    NOT NULL DEFAULT '[]',
                created_at    INTEGER NOT NULL
            );

            -- source is '' when unknown, so that (bank_id, source, source_id) compares equal without
            -- NULL rules; source_id is NULL when unknown and then takes no part in uniqueness.
            CREATE TABLE bank_content (
                id             INTEGER PRIMARY KEY AUTOINCREMENT,
                bank_id        INTEGER NOT NULL REFERENCES banks (id) ON DELETE CASCADE,
                source         TEXT    NOT NULL DEFAULT '',
                source_id      TEXT,
                note           TEXT,
                metadata       TEXT,
                classification TEXT,
                added_at       INTEGER NOT NULL,
                disabled_until INTEGER
            );
            CREATE INDEX bank_content_bank ON bank_content (bank_id);
            CREATE UNIQUE INDEX bank_content_source ON bank_content (bank_id, source, source_id) WHERE source_id IS NOT NULL;
            CREATE INDEX bank_content_disabled ON bank_content (disabled_until) WHERE disabled_until IS NOT NULL;

            -- bank_id copies the content's bank, so that the per-bank duplicate check and the index
            -- feed need no join. value is the canonical lowercase hex; value_key, its first 16 hex
            -- digits as a signed integer, is what the index holds (see SignalKeys). PDQ hashes are
            -- also kept as their four 64-bit limbs (bits 0-63 first, as signed integers) so that
            -- loading millions of them parses no hex. A signal is unique within its bank: the
            -- store checks that inside the write transaction, which SQLite runs one at a time.
            CREATE TABLE content_signals (
                id          INTEGER PRIMARY KEY,
                content_id  INTEGER NOT NULL REFERENCES bank_content (id) ON DELETE CASCADE,
                bank_id     INTEGER NOT NULL,
                signal_type TEXT    NOT NULL,
                value       TEXT    NOT NULL,
                value_key   INTEGER NOT NULL,
                pdq0        INTEGER,
                pdq1        INTEGER,
                pdq2        INTEGER,
                pdq3        INTEGER
            );
            CREATE INDEX content_signals_key ON content_signals (value_key, bank_id);
            CREATE INDEX content_signals_content ON content_signals (content_id);

            -- The change sequence replicas follow. No foreign keys: it outlives the banks and content it names.
            CREATE TABLE changes (
                seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                bank_id     INTEGER NOT NULL,
                content_id  INTEGER NOT NULL,
                signal_type TEXT    NOT NULL,
                value       TEXT    NOT NULL,
                op          TEXT    NOT NULL CHECK (op IN ('add', 'remove')),
                changed_at  INTEGER NOT NULL
            );

            -- Triggers, not application code, write the change log, so that no path can add or remove
            -- a signal without it: content removal and bank deletion reach content_signals through
            -- ON DELETE CASCADE, which fires these triggers inside the same transaction.
            CREATE TRIGGER content_signals_log_add AFTER INSERT ON content_signals
            BEGIN
                INSERT INTO changes (bank_id, content_id, signal_type, value, op, changed_at)
                VALUES (NEW.bank_id, NEW.content_id, NEW.signal_type, NEW.value, 'add', {{NowMicros}});
            END;

            CREATE TRIGGER content_signals_log_remove AFTER DELETE ON content_signals
            BEGIN
                INSERT INTO changes (bank_id, content_id, signal_type, value, op, changed_at)
                VALUES (OLD.bank_id, OLD.content_id, OLD.signal_type, OLD.value, 'remove', {{NowMicros}});
            END;
            """),
        new(2, "api keys", """
            CREATE TABLE api_keys (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                name       TEXT    NOT NULL UNIQUE,
                role       TEXT    NOT NULL CHECK (role IN ('admin', 'curator', 'matcher', 'reviewer')),
                key_hash   TEXT    NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            """),
        new(3, "audit log", """
            -- The append-only audit log: seq is assigned by the appender (the last plus one, inside a
            -- BEGIN IMMEDIATE transaction), hash chains each entry to the one before (see AuditChain).
            CREATE TABLE audit_log (
                seq           INTEGER PRIMARY KEY,
                logged_at     INTEGER NOT NULL,
                actor         TEXT    NOT NULL,
                action        TEXT    NOT NULL,
                subject       TEXT    NOT NULL,
                detail        TEXT,
                previous_hash TEXT    NOT NULL,
                hash          TEXT    NOT NULL
            );

            -- Entries cannot be changed or removed without dropping these first (deliberate DDL).
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE is not allowed');
            END;

            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'audit_log is append-only: DELETE is not allowed');
            END;
            """),
        new(4, "index snapshots", """
            -- The matching index's snapshot: its bytes are in a file next to the database
            -- (DB.pdq-index); this row records the change sequence number the file reflects, so that
            -- an older snapshot never replaces a newer one. At most one row. (PostgreSQL keeps the
            -- bytes in the database too, in index_snapshot_chunks.) SQLite runs one writer at a time,
            -- so its change numbers commit in order without the lock PostgreSQL's step 4 adds.
            CREATE TABLE index_snapshots (
                id         INTEGER PRIMARY KEY,
                seq        INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                size_bytes INTEGER NOT NULL
            );
            """),
        new(5, "private matching: device keys, accounts, vouchers, review cases", """
            -- A new key role, device (a platform backend uploading vouchers for its devices). SQLite
            -- cannot change a CHECK in place: the table is rebuilt with its rows and ids.
            CREATE TABLE api_keys_v5 (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                name       TEXT    NOT NULL UNIQUE,
                role       TEXT    NOT NULL CHECK (role IN ('admin', 'curator', 'matcher', 'reviewer', 'device')),
                key_hash   TEXT    NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            INSERT INTO api_keys_v5 (id, name, role, key_hash, created_at, revoked_at)
                SELECT id, name, role, key_hash, created_at, revoked_at FROM api_keys;
            DROP TABLE api_keys;
            ALTER TABLE api_keys_v5 RENAME TO api_keys;

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
            """),
        new(6, "api key expiry", """
            -- When a key stops working by itself (microseconds since the epoch); NULL, as for every
            -- key made before this step, is a key that does not expire.
            ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
            """),
    ];
}
