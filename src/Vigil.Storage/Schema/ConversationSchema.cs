namespace Vigil.Storage.Schema;

/// <summary>Conversations sent for risk scoring: their messages in order, and the review item each opened.</summary>
internal static class ConversationSchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(13,
            Sqlite: """
            CREATE TABLE conversation_messages (
                id                 INTEGER PRIMARY KEY AUTOINCREMENT,
                conversation       TEXT    NOT NULL,
                sender             TEXT    NOT NULL,
                recipient          TEXT    NOT NULL,
                sent_at            INTEGER NOT NULL,
                body               TEXT    NOT NULL,
                sender_is_minor    INTEGER,
                recipient_is_minor INTEGER,
                sender_age         INTEGER,
                recipient_age      INTEGER,
                received_at        INTEGER NOT NULL
            );
            CREATE INDEX conversation_messages_in_order ON conversation_messages (conversation, id);
            CREATE TABLE conversations (
                conversation TEXT    PRIMARY KEY,
                case_id      INTEGER,
                item_id      INTEGER,
                updated_at   INTEGER NOT NULL
            );
            -- The messages that raised a conversation item's risk (JSON), shown to its reviewer.
            ALTER TABLE case_items ADD COLUMN messages TEXT;
            """,
            Postgres: """
            CREATE TABLE conversation_messages (
                id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                conversation       text        NOT NULL,
                sender             text        NOT NULL,
                recipient          text        NOT NULL,
                sent_at            timestamptz NOT NULL,
                body               text        NOT NULL,
                sender_is_minor    boolean,
                recipient_is_minor boolean,
                sender_age         integer,
                recipient_age      integer,
                received_at        timestamptz NOT NULL
            );
            CREATE INDEX conversation_messages_in_order ON conversation_messages (conversation, id);
            CREATE TABLE conversations (
                conversation text        PRIMARY KEY,
                case_id      bigint,
                item_id      bigint,
                updated_at   timestamptz NOT NULL
            );
            ALTER TABLE case_items ADD COLUMN messages text;
            """),
        new(15,
            Sqlite: """
            -- A message's text sealed by the evidence vault (then body is empty); null for a text kept as sent.
            ALTER TABLE conversation_messages ADD COLUMN sealed_text BLOB;
            """,
            Postgres: """
            ALTER TABLE conversation_messages ADD COLUMN sealed_text bytea;
            """),
    ];
}
