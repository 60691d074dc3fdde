namespace Vigil.Storage.Postgres;

/// <summary>One numbered step of the PostgreSQL schema. Steps run in order, each once, and are never edited once released.</summary>
/// <param name="Version">The schema version the step produces (1, 2, ...); the same numbering as the SQLite steps.</param>
/// <param name="Name">A short description, recorded in <c>schema_migrations</c>.</param>
/// <param name="Sql">The statements.</param>
internal sealed record PostgresMigration(int Version, string Name, string Sql);

/// <summary>
/// The PostgreSQL schema: table for table and column for column the SQLite one (see
/// <see cref="Sqlite.SqliteMigrations"/>), with PostgreSQL's types: flags are <c>boolean</c>, times
/// are <c>timestamptz</c> (microsecond precision, as the SQLite integers), ids are
/// <c>bigint generated always as identity</c>, signal keys and PDQ limbs <c>bigint</c>. Labels and
/// metadata stay <c>text</c> so that they come back exactly as they were written. One table has no
/// SQLite twin: <c>index_snapshot_chunks</c> (step 4) holds the index snapshot's bytes, which SQLite
/// keeps in a file next to the database.
/// </summary>
/// <remarks>
/// The change log is written by statement-level triggers with transition tables, so that a bulk
/// insert of thousands of signals logs them with one INSERT ... SELECT rather than a trigger call
/// per row. <c>changes.seq</c> comes from an identity sequence, which hands out numbers at insert
/// time, not at commit; since step 4 the triggers first take one transaction-scoped advisory lock
/// (<see cref="ChangeLogLockKey"/>), so change-writing transactions draw their numbers and commit
/// one at a time, in number order (see <see cref="PostgresVigilStore"/>). A rolled-back
/// transaction still leaves a gap.
/// </remarks>
internal static class PostgresMigrations
{
    /// <summary>
    /// The advisory lock every transaction that writes to <c>changes</c> holds from just before its
    /// first change row until it commits ("VIGILCHG" in ASCII).
    /// </summary>
    public const long ChangeLogLockKey = 0x5649_4749_4C43_4847;

    /// <summary>The advisory lock a replica holds while it stores an index snapshot ("VIGILSNP" in ASCII).</summary>
    public const long SnapshotLockKey = 0x5649_4749_4C53_4E50;

    public static IReadOnlyList<PostgresMigration> All { get; } =
    [
        new(1, "banks, content, signals and the change log", """
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
        new(2, "api keys", """
            CREATE TABLE api_keys (
                id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name       text        NOT NULL UNIQUE,
                role       text        NOT NULL CHECK (role IN ('admin', 'curator', 'matcher', 'reviewer')),
                key_hash   text        NOT NULL UNIQUE,
                created_at timestamptz NOT NULL,
                revoked_at timestamptz
            );
            """),
        new(3, "audit log", """
            -- The append-only audit log: seq is assigned by the appender (the last plus one, while it
            -- holds LOCK TABLE audit_log IN EXCLUSIVE MODE), hash chains each entry to the one before
            -- (see AuditChain).
            CREATE TABLE audit_log (
                seq           bigint      PRIMARY KEY,
                logged_at     timestamptz NOT NULL,
                actor         text        NOT NULL,
                action        text        NOT NULL,
                subject       text        NOT NULL,
                detail        text,
                previous_hash text        NOT NULL,
                hash          text        NOT NULL
            );

            -- Entries cannot be changed or removed without dropping these first (deliberate DDL).
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$;

            CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

            CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
            """),
        new(4, "change log committed in order; index snapshots", $$"""
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

            -- The matching index's latest snapshot (normally one row; a replica replaces it in one
            -- transaction), its bytes in order in chunks of up to 8 MB. The bytes are stored
            -- uncompressed (STORAGE EXTERNAL): they are hashes, which do not compress.
            CREATE TABLE index_snapshots (
                id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                seq        bigint      NOT NULL,
                created_at timestamptz NOT NULL,
                size_bytes bigint      NOT NULL
            );

            CREATE TABLE index_snapshot_chunks (
                snapshot_id bigint  NOT NULL REFERENCES index_snapshots (id) ON DELETE CASCADE,
                n           integer NOT NULL,
                bytes       bytea   NOT NULL,
                PRIMARY KEY (snapshot_id, n)
            );
            ALTER TABLE index_snapshot_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
            """),
        new(5, "private matching: device keys, accounts, vouchers, review cases", """
            -- A new key role, device (a platform backend uploading vouchers for its devices).
            ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
            ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
                CHECK (role IN ('admin', 'curator', 'matcher', 'reviewer', 'device'));

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
        new(6, "api key expiry", """
            -- As in SQLite: when a key stops working by itself; NULL, as for every key made before
            -- this step, is a key that does not expire.
            ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
            """),
    ];
}
