namespace Vigil.Storage.Schema;

/// <summary>The action outbox (step 7). Released steps are never edited.</summary>
internal static class ActionSchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(7,
            Sqlite: """
            -- Deliveries of action events to webhook targets. Times are microseconds since the epoch.
            -- A claim is lease_token + lease_until: a dispatcher sends only what it holds.
            CREATE TABLE action_deliveries (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                rule_name       TEXT    NOT NULL,
                target          TEXT    NOT NULL,
                event_json      TEXT    NOT NULL,
                status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
                attempts        INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_status     INTEGER,
                last_error      TEXT,
                created_at      INTEGER NOT NULL,
                give_up_at      INTEGER NOT NULL,
                delivered_at    INTEGER,
                lease_token     TEXT,
                lease_until     INTEGER
            );
            CREATE INDEX action_deliveries_due ON action_deliveries (next_attempt_at) WHERE status = 'pending';
            CREATE INDEX action_deliveries_status ON action_deliveries (status, id);
            """,
            Postgres: """
            -- As in SQLite: deliveries of action events to webhook targets, claimed with a lease.
            CREATE TABLE action_deliveries (
                id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                rule_name       text        NOT NULL,
                target          text        NOT NULL,
                event_json      text        NOT NULL,
                status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
                attempts        integer     NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                last_status     integer,
                last_error      text,
                created_at      timestamptz NOT NULL,
                give_up_at      timestamptz NOT NULL,
                delivered_at    timestamptz,
                lease_token     text,
                lease_until     timestamptz
            );
            CREATE INDEX action_deliveries_due ON action_deliveries (next_attempt_at) WHERE status = 'pending';
            CREATE INDEX action_deliveries_status ON action_deliveries (status, id);
            """),
    ];
}
