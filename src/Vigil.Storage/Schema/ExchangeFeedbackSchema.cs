namespace Vigil.Storage.Schema;

/// <summary>The exchange feedback queue (step 10; step 11 lets it carry shares). Released steps are never edited.</summary>
internal static class ExchangeFeedbackSchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(10,
            Sqlite: """
            -- Review decisions sent back to the exchange an entry came from: one row per exchange, entry and opinion
            -- (a second decision the same way adds nothing). Kept by the exchange's name, not its id, so an
            -- exchange removed and added again goes on; a sender sends only what it holds (lease_token + lease_until).
            -- Times are microseconds since the epoch.
            CREATE TABLE exchange_feedback (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                exchange_name   TEXT    NOT NULL,
                content_id      INTEGER NOT NULL,
                entry_id        TEXT    NOT NULL,
                opinion         TEXT    NOT NULL CHECK (opinion IN ('confirmed', 'false_positive')),
                signals_json    TEXT    NOT NULL,
                status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
                attempts        INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_error      TEXT,
                created_at      INTEGER NOT NULL,
                sent_at         INTEGER,
                lease_token     TEXT,
                lease_until     INTEGER,
                UNIQUE (exchange_name, entry_id, opinion)
            );
            CREATE INDEX exchange_feedback_due ON exchange_feedback (next_attempt_at) WHERE status = 'pending';
            CREATE INDEX exchange_feedback_content ON exchange_feedback (content_id);
            """,
            Postgres: """
            -- As in SQLite: review decisions sent back to the exchange an entry came from, claimed with a lease.
            CREATE TABLE exchange_feedback (
                id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                exchange_name   text        NOT NULL,
                content_id      bigint      NOT NULL,
                entry_id        text        NOT NULL,
                opinion         text        NOT NULL CHECK (opinion IN ('confirmed', 'false_positive')),
                signals_json    text        NOT NULL,
                status          text        NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
                attempts        integer     NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                last_error      text,
                created_at      timestamptz NOT NULL,
                sent_at         timestamptz,
                lease_token     text,
                lease_until     timestamptz,
                UNIQUE (exchange_name, entry_id, opinion)
            );
            CREATE INDEX exchange_feedback_due ON exchange_feedback (next_attempt_at) WHERE status = 'pending';
            CREATE INDEX exchange_feedback_content ON exchange_feedback (content_id);
            """),
        new(11,
            Sqlite: """
            -- The queue also carries shares of the platform's own confirmed content ('share'). SQLite cannot change a
            -- CHECK in place: the table is rebuilt with every row and id kept (AUTOINCREMENT's counter moves with the rename).
            CREATE TABLE exchange_feedback_v11 (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                exchange_name   TEXT    NOT NULL,
                content_id      INTEGER NOT NULL,
                entry_id        TEXT    NOT NULL,
                opinion         TEXT    NOT NULL CHECK (opinion IN ('confirmed', 'false_positive', 'share')),
                signals_json    TEXT    NOT NULL,
                status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
                attempts        INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_error      TEXT,
                created_at      INTEGER NOT NULL,
                sent_at         INTEGER,
                lease_token     TEXT,
                lease_until     INTEGER,
                UNIQUE (exchange_name, entry_id, opinion)
            );
            INSERT INTO exchange_feedback_v11 (id, exchange_name, content_id, entry_id, opinion, signals_json, status, attempts,
                next_attempt_at, last_error, created_at, sent_at, lease_token, lease_until)
            SELECT id, exchange_name, content_id, entry_id, opinion, signals_json, status, attempts,
                next_attempt_at, last_error, created_at, sent_at, lease_token, lease_until FROM exchange_feedback;
            DROP TABLE exchange_feedback;
            ALTER TABLE exchange_feedback_v11 RENAME TO exchange_feedback;
            CREATE INDEX exchange_feedback_due ON exchange_feedback (next_attempt_at) WHERE status = 'pending';
            CREATE INDEX exchange_feedback_content ON exchange_feedback (content_id);
            """,
            Postgres: """
            -- The queue also carries shares of the platform's own confirmed content ('share').
            ALTER TABLE exchange_feedback DROP CONSTRAINT exchange_feedback_opinion_check;
            ALTER TABLE exchange_feedback ADD CONSTRAINT exchange_feedback_opinion_check
                CHECK (opinion IN ('confirmed', 'false_positive', 'share'));
            """),
    ];
}
