namespace Vigil.Storage.Schema;

/// <summary>The append-only audit log (step 3). Released steps are never edited.</summary>
internal static class AuditSchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(3,
            Sqlite: """
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
            """,
            Postgres: """
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
    ];
}
