namespace Vigil.Storage.Schema;

/// <summary>Banks, their content and signals, and the change log the triggers write (steps 1 and 4). Released steps are never edited.</summary>
internal static class ContentSchema
{
    // The time SQLite's triggers stamp on a change, in microseconds (julianday has millisecond precision).
    private const string NowMicros = "(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 1000)";

    private const long ChangeLogLockKey = Postgres.PostgresMigrations.ChangeLogLockKey;

    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(1,
            Sqlite: $$"""
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
            """,
            Postgres: """
            CREATE TABLE banks (
                id            bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name          text             NOT NULL UNIQUE,
                enabled       boolean          NOT NULL DEFAULT true,
                enabled_ratio double precision NOT NULL DEFAULT 1.0 CHECK (enabled_ratio BETWEEN 0.0 AND 1.0),
                is_negative   boolean          NOT NULL DEFAULT false,
                labels        text             NOT NULL DEFAULT '[]',
                created_at    timestamptz      NOT NULL
            );

            -- source is '' when unknown, so that (bank_id, source, source_id) compares equal without
            -- NULL rules; source_id is NULL when unknown and then takes no part in uniqueness.
            CREATE TABLE bank_content (
                id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                bank_id        bigint      NOT NULL REFERENCES banks (id) ON DELETE CASCADE,
                source         text        NOT NULL DEFAULT '',
                source_id      text,
                note           text,
                metadata       text,
                classification text,
                added_at       timestamptz NOT NULL,
                disabled_until timestamptz
            );
            CREATE INDEX bank_content_bank ON bank_content (bank_id);
            CREATE UNIQUE INDEX bank_content_source ON bank_content (bank_id, source, source_id) WHERE source_id IS NOT NULL;
            CREATE INDEX bank_content_disabled ON bank_content (disabled_until) WHERE disabled_until IS NOT NULL;

            -- As in SQLite: bank_id copies the content's bank; value_key is the value's first 16 hex
            -- digits as a signed integer (see SignalKeys); PDQ hashes also as four 64-bit limbs. A
            -- signal is unique within its bank: writers to a bank hold its row lock (FOR UPDATE on
            -- banks) while they check and insert.
            CREATE TABLE content_signals (
                id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                content_id  bigint NOT NULL REFERENCES bank_content (id) ON DELETE CASCADE,
                bank_id     bigint NOT NULL,
                signal_type text   NOT NULL,
                value       text   NOT NULL,
                value_key   bigint NOT NULL,
                pdq0        bigint,
                pdq1        bigint,
                pdq2        bigint,
                pdq3        bigint
            );
            CREATE INDEX content_signals_key ON content_signals (value_key, bank_id);
            CREATE INDEX content_signals_content ON content_signals (content_id);

            -- The change sequence replicas follow. No foreign keys: it outlives the banks and content it names.
            -- seq is taken at insert and becomes visible at commit: see the remarks on PostgresVigilStore.
            CREATE TABLE changes (
                seq         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                bank_id     bigint      NOT NULL,
                content_id  bigint      NOT NULL,
                signal_type text        NOT NULL,
                value       text        NOT NULL,
                op          text        NOT NULL CHECK (op IN ('add', 'remove')),
                changed_at  timestamptz NOT NULL
            );

            -- Triggers, not application code, write the change log, so that no path can add or remove
            -- a signal without it: content removal and bank deletion reach content_signals through
            -- ON DELETE CASCADE, which fires these triggers inside the same transaction.
            CREATE FUNCTION content_signals_log_add() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO changes (bank_id, content_id, signal_type, value, op, changed_at)
                SELECT n.bank_id, n.content_id, n.signal_type, n.value, 'add', clock_timestamp()
                FROM new_rows n ORDER BY n.id;
                RETURN NULL;
            END
            $$;

            CREATE FUNCTION content_signals_log_remove() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO changes (bank_id, content_id, signal_type, value, op, changed_at)
                SELECT o.bank_id, o.content_id, o.signal_type, o.value, 'remove', clock_timestamp()
                FROM old_rows o ORDER BY o.id;
                RETURN NULL;
            END
            $$;

            CREATE TRIGGER content_signals_log_add AFTER INSERT ON content_signals
                REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION content_signals_log_add();

            CREATE TRIGGER content_signals_log_remove AFTER DELETE ON content_signals
                REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION content_signals_log_remove();
            """),
        new(4,
            Sqlite: null,
            Postgres: $$"""
            -- Change numbers commit in order. Each trigger takes one transaction-scoped advisory lock
            -- before it inserts change rows, and keeps it until its transaction commits or rolls back,
            -- so a transaction draws seq numbers only after every earlier change-writing transaction
            -- has finished: a number becomes visible only after every lower one has (or was rolled
            -- back), and a follower that reads the changes after the last number it saw misses none.
            -- The lock is taken after the bank's row lock (every writer locks its bank first, and
            -- the triggers fire on the writes that follow), so the two never deadlock.
            CREATE OR REPLACE FUNCTION content_signals_log_add() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock({{ChangeLogLockKey}});
                INSERT INTO changes (bank_id, content_id, signal_type, value, op, changed_at)
                SELECT n.bank_id, n.content_id, n.signal_type, n.value, 'add', clock_timestamp()
                FROM new_rows n ORDER BY n.id;
                RETURN NULL;
            END
            $$;

            CREATE OR REPLACE FUNCTION content_signals_log_remove() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock({{ChangeLogLockKey}});
                INSERT INTO changes (bank_id, content_id, signal_type, value, op, changed_at)
                SELECT o.bank_id, o.content_id, o.signal_type, o.value, 'remove', clock_timestamp()
                FROM old_rows o ORDER BY o.id;
                RETURN NULL;
            END
            $$;
            """),
            new(7,
            Sqlite: """
            -- How often reviewers found a match of the entry to be a false positive (not_abuse): a
            -- candidate for feedback to the exchange it came from.
            ALTER TABLE bank_content ADD COLUMN false_positives INTEGER NOT NULL DEFAULT 0;
            """,
            Postgres: """
            -- As in SQLite: reviewers' false-positive verdicts on matches of the entry.
            ALTER TABLE bank_content ADD COLUMN false_positives bigint NOT NULL DEFAULT 0;
            """),
];
}
