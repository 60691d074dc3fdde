namespace Vigil.Storage.Schema;

/// <summary>API keys (steps 2, 5, 6 and 7). Released steps are never edited.</summary>
internal static class ApiKeySchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(2,
            Sqlite: """
            CREATE TABLE api_keys (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                name       TEXT    NOT NULL UNIQUE,
                role       TEXT    NOT NULL CHECK (role IN ('admin', 'curator', 'matcher', 'reviewer')),
                key_hash   TEXT    NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            """,
            Postgres: """
            CREATE TABLE api_keys (
                id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name       text        NOT NULL UNIQUE,
                role       text        NOT NULL CHECK (role IN ('admin', 'curator', 'matcher', 'reviewer')),
                key_hash   text        NOT NULL UNIQUE,
                created_at timestamptz NOT NULL,
                revoked_at timestamptz
            );
            """),
        new(5,
            Sqlite: """
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
            """,
            Postgres: """
            -- A new key role, device (a platform backend uploading vouchers for its devices).
            ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
            ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
                CHECK (role IN ('admin', 'curator', 'matcher', 'reviewer', 'device'));
            """),
        new(6,
            Sqlite: """
            -- When a key stops working by itself (microseconds since the epoch); NULL, as for every
            -- key made before this step, is a key that does not expire.
            ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
            """,
            Postgres: """
            -- As in SQLite: when a key stops working by itself; NULL, as for every key made before
            -- this step, is a key that does not expire.
            ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
            """),
            new(7,
            Sqlite: """
            -- A new key role, submitter (a platform backend opening review cases, POST /v1/cases).
            -- SQLite cannot change a CHECK in place: the table is rebuilt with its rows and ids.
            CREATE TABLE api_keys_v7 (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                name       TEXT    NOT NULL UNIQUE,
                role       TEXT    NOT NULL CHECK (role IN ('admin', 'curator', 'matcher', 'reviewer', 'device', 'submitter')),
                key_hash   TEXT    NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER,
                expires_at INTEGER
            );
            INSERT INTO api_keys_v7 (id, name, role, key_hash, created_at, revoked_at, expires_at)
                SELECT id, name, role, key_hash, created_at, revoked_at, expires_at FROM api_keys;
            DROP TABLE api_keys;
            ALTER TABLE api_keys_v7 RENAME TO api_keys;
            """,
            Postgres: """
            -- A new key role, submitter (a platform backend opening review cases, POST /v1/cases).
            ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
            ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
                CHECK (role IN ('admin', 'curator', 'matcher', 'reviewer', 'device', 'submitter'));
            """),
];
}
