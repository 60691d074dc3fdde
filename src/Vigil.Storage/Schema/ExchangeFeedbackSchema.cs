namespace Vigil.Storage.Schema;

/// <summary>The exchange feedback queue (step 10). Released steps are never edited.</summary>
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
    ];
}
