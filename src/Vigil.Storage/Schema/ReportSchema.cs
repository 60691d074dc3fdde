namespace Vigil.Storage.Schema;

/// <summary>The report outbox (step 8). Released steps are never edited.</summary>
internal static class ReportSchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(8,
            Sqlite: """
            -- One report per case decided report, moved through the hotline's steps by a worker that
            -- holds it with lease_token + lease_until. Times are microseconds since the epoch.
            CREATE TABLE reports (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                case_id         INTEGER NOT NULL UNIQUE REFERENCES cases (id),
                state           TEXT    NOT NULL CHECK (state IN ('queued', 'submitting', 'open', 'finishing', 'finished', 'failed', 'retracted')),
                attempt         INTEGER NOT NULL DEFAULT 1,
                hotline_id      INTEGER,
                opened_at       INTEGER,
                changed_at      INTEGER,
                finished_at     INTEGER,
                tries           INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_code       INTEGER,
                last_error      TEXT,
                created_at      INTEGER NOT NULL,
                updated_at      INTEGER NOT NULL,
                lease_token     TEXT,
                lease_until     INTEGER
            );
            CREATE INDEX reports_due ON reports (next_attempt_at, id) WHERE state IN ('queued', 'submitting', 'open', 'finishing');
            CREATE INDEX reports_state ON reports (state, id);

            -- The files of a report's current attempt, in the order they are sent.
            CREATE TABLE report_files (
                report_id   INTEGER NOT NULL REFERENCES reports (id),
                position    INTEGER NOT NULL,
                item_id     INTEGER NOT NULL REFERENCES case_items (id),
                file_name   TEXT    NOT NULL,
                md5         TEXT    NOT NULL,
                state       TEXT    NOT NULL CHECK (state IN ('pending', 'uploading', 'uploaded', 'described')),
                file_id     TEXT,
                hotline_md5 TEXT,
                PRIMARY KEY (report_id, position)
            );

            -- Every step of every attempt, with the hotline's messages.
            CREATE TABLE report_events (
                id        INTEGER PRIMARY KEY AUTOINCREMENT,
                report_id INTEGER NOT NULL REFERENCES reports (id),
                at        INTEGER NOT NULL,
                attempt   INTEGER NOT NULL,
                step      TEXT    NOT NULL,
                outcome   TEXT    NOT NULL CHECK (outcome IN ('ok', 'retry', 'failed', 'note')),
                code      INTEGER,
                message   TEXT    NOT NULL
            );
            CREATE INDEX report_events_report ON report_events (report_id, id);
            """,
            Postgres: """
            -- As in SQLite: the report outbox, its files and its history.
            CREATE TABLE reports (
                id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                case_id         bigint      NOT NULL UNIQUE REFERENCES cases (id),
                state           text        NOT NULL CHECK (state IN ('queued', 'submitting', 'open', 'finishing', 'finished', 'failed', 'retracted')),
                attempt         integer     NOT NULL DEFAULT 1,
                hotline_id      bigint,
                opened_at       timestamptz,
                changed_at      timestamptz,
                finished_at     timestamptz,
                tries           integer     NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                last_code       integer,
                last_error      text,
                created_at      timestamptz NOT NULL,
                updated_at      timestamptz NOT NULL,
                lease_token     text,
                lease_until     timestamptz
            );
            CREATE INDEX reports_due ON reports (next_attempt_at, id) WHERE state IN ('queued', 'submitting', 'open', 'finishing');
            CREATE INDEX reports_state ON reports (state, id);

            CREATE TABLE report_files (
                report_id   bigint  NOT NULL REFERENCES reports (id),
                position    integer NOT NULL,
                item_id     bigint  NOT NULL REFERENCES case_items (id),
                file_name   text    NOT NULL,
                md5         text    NOT NULL,
                state       text    NOT NULL CHECK (state IN ('pending', 'uploading', 'uploaded', 'described')),
                file_id     text,
                hotline_md5 text,
                PRIMARY KEY (report_id, position)
            );

            CREATE TABLE report_events (
                id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                report_id bigint      NOT NULL REFERENCES reports (id),
                at        timestamptz NOT NULL,
                attempt   integer     NOT NULL,
                step      text        NOT NULL,
                outcome   text        NOT NULL CHECK (outcome IN ('ok', 'retry', 'failed', 'note')),
                code      integer,
                message   text        NOT NULL
            );
            CREATE INDEX report_events_report ON report_events (report_id, id);
            """),
    ];
}
