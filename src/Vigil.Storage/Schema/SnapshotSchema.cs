namespace Vigil.Storage.Schema;

/// <summary>The matching index's snapshot record (step 4; PostgreSQL keeps the bytes too). Released steps are never edited.</summary>
internal static class SnapshotSchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(4,
            Sqlite: """
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
            """,
            Postgres: """
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
    ];
}
