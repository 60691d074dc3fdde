namespace Vigil.Storage.Schema;

/// <summary>
/// Review: cases, their items, matches and decisions, the sealed media of items, reviewers'
/// exposure and settings (step 7), and the private-matching review cases of step 5 moved in;
/// classifier scores (step 12); where an item was shared and whether publicly (step 14).
/// Released steps are never edited.
/// </summary>
internal static class ReviewSchema
{
    public static IReadOnlyList<SchemaStep> Steps { get; } =
    [
        new(7,
            Sqlite: """
            -- A case gathers one subject's items; a subject has at most one open case (items of an
            -- open subject join it). priority is its most urgent item's (1 = an A1 match); the queue
            -- reads open cases in (priority, opened_at, id) order and claims one with a lease.
            CREATE TABLE cases (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                subject          TEXT    NOT NULL,
                status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'reported')),
                priority         INTEGER NOT NULL,
                escalated        INTEGER NOT NULL DEFAULT 0,
                opened_at        INTEGER NOT NULL,
                updated_at       INTEGER NOT NULL,
                lease_holder     TEXT,
                lease_expires_at INTEGER,
                verdict          TEXT    CHECK (verdict IN ('report', 'no_report')),
                decided_by       TEXT,
                decided_at       INTEGER,
                first_report_by  TEXT,
                report_id        TEXT,
                reported_at      INTEGER,
                legal_hold       INTEGER NOT NULL DEFAULT 0,
                media_purged_at  INTEGER
            );
            CREATE UNIQUE INDEX cases_open_subject ON cases (subject) WHERE status = 'open';
            CREATE INDEX cases_queue ON cases (priority, opened_at, id) WHERE status = 'open';
            CREATE INDEX cases_status ON cases (status, id);
            -- Claim-next first looks for the case the reviewer holds already.
            CREATE INDEX cases_lease_holder ON cases (lease_holder) WHERE status = 'open' AND lease_holder IS NOT NULL;

            -- One piece of media: its signals (a JSON object of type to value), the platform's
            -- context, and its verdict. Private-matching items carry account, voucher id, re-check
            -- and the voucher's thumbnail; one per (source, account, voucher id).
            CREATE TABLE case_items (
                id             INTEGER PRIMARY KEY AUTOINCREMENT,
                case_id        INTEGER NOT NULL REFERENCES cases (id),
                source         TEXT    NOT NULL,
                reason         TEXT,
                priority       INTEGER NOT NULL,
                signals        TEXT    NOT NULL,
                screen_name    TEXT,
                email          TEXT,
                file_name      TEXT,
                uploaded_at    INTEGER,
                ip             TEXT,
                port           INTEGER,
                url            TEXT,
                account        TEXT,
                voucher_id     TEXT,
                recheck        TEXT,
                thumbnail      BLOB,
                verdict        TEXT    CHECK (verdict IN ('confirmed', 'not_abuse', 'escalate', 'skip')),
                classification TEXT    CHECK (classification IN ('A1', 'A2', 'B1', 'B2')),
                decided_by     TEXT,
                decided_at     INTEGER,
                viewed_clear   INTEGER NOT NULL DEFAULT 0,
                created_at     INTEGER NOT NULL,
                CHECK ((verdict = 'confirmed') = (classification IS NOT NULL))
            );
            CREATE INDEX case_items_case ON case_items (case_id, id);
            CREATE UNIQUE INDEX case_items_voucher ON case_items (source, account, voucher_id) WHERE voucher_id IS NOT NULL;
            CREATE INDEX case_items_account ON case_items (account) WHERE account IS NOT NULL;

            -- Every match that brought an item in, with what the entry said of itself then.
            CREATE TABLE case_matches (
                item_id         INTEGER NOT NULL REFERENCES case_items (id),
                bank            TEXT    NOT NULL,
                content_id      INTEGER NOT NULL,
                signal_type     TEXT    NOT NULL,
                distance        INTEGER NOT NULL,
                classification  TEXT,
                labels          TEXT    NOT NULL DEFAULT '[]',
                entry_source    TEXT,
                entry_source_id TEXT,
                PRIMARY KEY (item_id, bank, content_id, signal_type)
            );
            CREATE INDEX case_matches_content ON case_matches (content_id);

            -- Every verdict given, item or case (item_id NULL), in order.
            CREATE TABLE case_decisions (
                id             INTEGER PRIMARY KEY AUTOINCREMENT,
                case_id        INTEGER NOT NULL REFERENCES cases (id),
                item_id        INTEGER REFERENCES case_items (id),
                reviewer       TEXT    NOT NULL,
                verdict        TEXT    NOT NULL,
                classification TEXT,
                decided_at     INTEGER NOT NULL
            );
            CREATE INDEX case_decisions_case ON case_decisions (case_id, id);

            -- The evidence vault's rows: AES-256-GCM ciphertext, its nonce and the wrapped data key.
            CREATE TABLE case_media (
                item_id      INTEGER PRIMARY KEY REFERENCES case_items (id),
                content_type TEXT    NOT NULL,
                length       INTEGER NOT NULL,
                key_id       TEXT    NOT NULL,
                wrapped_key  BLOB    NOT NULL,
                nonce        BLOB    NOT NULL,
                ciphertext   BLOB    NOT NULL
            );

            -- Seconds of clear media on screen per reviewer per UTC day (yyyy-mm-dd).
            CREATE TABLE reviewer_exposure (
                reviewer    TEXT    NOT NULL,
                day         TEXT    NOT NULL,
                seconds     REAL    NOT NULL DEFAULT 0,
                clear_views INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (reviewer, day)
            );

            CREATE TABLE reviewer_settings (
                reviewer    TEXT    PRIMARY KEY,
                blur_radius INTEGER,
                greyscale   INTEGER,
                mute        INTEGER,
                updated_at  INTEGER NOT NULL
            );

            -- The private-matching review cases of step 5 move in: an account's pending rows become
            -- one open case (its smallest id), each decided row a case of its own; item ids are the
            -- old case ids, so links to an item stay good.
            INSERT INTO cases (id, subject, status, priority, opened_at, updated_at, decided_by, decided_at)
                SELECT MIN(r.id), COALESCE(r.account, 'case:' || MIN(r.id)), 'open',
                       MIN(CASE b.classification WHEN 'A1' THEN 1 WHEN 'A2' THEN 2 WHEN 'B1' THEN 3 WHEN 'B2' THEN 4 ELSE 5 END),
                       MIN(r.created_at), MAX(r.created_at), NULL, NULL
                FROM review_cases r LEFT JOIN bank_content b ON b.id = r.content_id
                WHERE r.status = 'pending' GROUP BY COALESCE(r.account, 'case:' || r.id);
            INSERT INTO cases (id, subject, status, priority, opened_at, updated_at, decided_by, decided_at)
                SELECT r.id, COALESCE(r.account, 'case:' || r.id), 'decided', 5, r.created_at, COALESCE(r.decided_at, r.created_at), r.reviewer, r.decided_at
                FROM review_cases r WHERE r.status <> 'pending';
            INSERT INTO case_items (id, case_id, source, priority, signals, file_name, account, voucher_id, recheck, thumbnail,
                                    verdict, decided_by, decided_at, created_at)
                SELECT r.id,
                       CASE WHEN r.status = 'pending'
                            THEN (SELECT MIN(p.id) FROM review_cases p WHERE p.status = 'pending' AND COALESCE(p.account, 'case:' || p.id) = COALESCE(r.account, 'case:' || r.id))
                            ELSE r.id END,
                       r.source, CASE WHEN r.bank IS NULL THEN 7 ELSE 5 END, '{"pdq":"' || r.pdq || '"}', r.name, r.account, r.voucher_id, r.recheck,
                       r.thumbnail, CASE r.status WHEN 'dismissed' THEN 'not_abuse' WHEN 'confirmed' THEN 'skip' END, r.reviewer, r.decided_at, r.created_at
                FROM review_cases r;
            INSERT INTO case_matches (item_id, bank, content_id, signal_type, distance, classification, entry_source, entry_source_id)
                SELECT r.id, r.bank, r.content_id, 'pdq', r.distance, b.classification, b.source, b.source_id
                FROM review_cases r LEFT JOIN bank_content b ON b.id = r.content_id
                WHERE r.bank IS NOT NULL AND r.content_id IS NOT NULL;
            DROP TABLE review_cases;
            """,
            Postgres: """
            -- As in SQLite (see there); ids are BY DEFAULT identities so the moved rows keep theirs.
            CREATE TABLE cases (
                id               bigint      GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                subject          text        NOT NULL,
                status           text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'reported')),
                priority         integer     NOT NULL,
                escalated        boolean     NOT NULL DEFAULT false,
                opened_at        timestamptz NOT NULL,
                updated_at       timestamptz NOT NULL,
                lease_holder     text,
                lease_expires_at timestamptz,
                verdict          text        CHECK (verdict IN ('report', 'no_report')),
                decided_by       text,
                decided_at       timestamptz,
                first_report_by  text,
                report_id        text,
                reported_at      timestamptz,
                legal_hold       boolean     NOT NULL DEFAULT false,
                media_purged_at  timestamptz
            );
            CREATE UNIQUE INDEX cases_open_subject ON cases (subject) WHERE status = 'open';
            CREATE INDEX cases_queue ON cases (priority, opened_at, id) WHERE status = 'open';
            CREATE INDEX cases_status ON cases (status, id);
            -- Claim-next first looks for the case the reviewer holds already.
            CREATE INDEX cases_lease_holder ON cases (lease_holder) WHERE status = 'open' AND lease_holder IS NOT NULL;

            CREATE TABLE case_items (
                id             bigint      GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                case_id        bigint      NOT NULL REFERENCES cases (id),
                source         text        NOT NULL,
                reason         text,
                priority       integer     NOT NULL,
                signals        text        NOT NULL,
                screen_name    text,
                email          text,
                file_name      text,
                uploaded_at    timestamptz,
                ip             text,
                port           integer,
                url            text,
                account        text,
                voucher_id     text,
                recheck        text,
                thumbnail      bytea,
                verdict        text        CHECK (verdict IN ('confirmed', 'not_abuse', 'escalate', 'skip')),
                classification text        CHECK (classification IN ('A1', 'A2', 'B1', 'B2')),
                decided_by     text,
                decided_at     timestamptz,
                viewed_clear   boolean     NOT NULL DEFAULT false,
                created_at     timestamptz NOT NULL,
                CHECK ((verdict = 'confirmed') = (classification IS NOT NULL))
            );
            CREATE INDEX case_items_case ON case_items (case_id, id);
            CREATE UNIQUE INDEX case_items_voucher ON case_items (source, account, voucher_id) WHERE voucher_id IS NOT NULL;
            CREATE INDEX case_items_account ON case_items (account) WHERE account IS NOT NULL;

            CREATE TABLE case_matches (
                item_id         bigint  NOT NULL REFERENCES case_items (id),
                bank            text    NOT NULL,
                content_id      bigint  NOT NULL,
                signal_type     text    NOT NULL,
                distance        integer NOT NULL,
                classification  text,
                labels          text    NOT NULL DEFAULT '[]',
                entry_source    text,
                entry_source_id text,
                PRIMARY KEY (item_id, bank, content_id, signal_type)
            );
            CREATE INDEX case_matches_content ON case_matches (content_id);

            CREATE TABLE case_decisions (
                id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                case_id        bigint      NOT NULL REFERENCES cases (id),
                item_id        bigint      REFERENCES case_items (id),
                reviewer       text        NOT NULL,
                verdict        text        NOT NULL,
                classification text,
                decided_at     timestamptz NOT NULL
            );
            CREATE INDEX case_decisions_case ON case_decisions (case_id, id);

            CREATE TABLE case_media (
                item_id      bigint PRIMARY KEY REFERENCES case_items (id),
                content_type text   NOT NULL,
                length       bigint NOT NULL,
                key_id       text   NOT NULL,
                wrapped_key  bytea  NOT NULL,
                nonce        bytea  NOT NULL,
                ciphertext   bytea  NOT NULL
            );
            -- Ciphertext does not compress.
            ALTER TABLE case_media ALTER COLUMN ciphertext SET STORAGE EXTERNAL;

            CREATE TABLE reviewer_exposure (
                reviewer    text             NOT NULL,
                day         text             NOT NULL,
                seconds     double precision NOT NULL DEFAULT 0,
                clear_views bigint           NOT NULL DEFAULT 0,
                PRIMARY KEY (reviewer, day)
            );

            CREATE TABLE reviewer_settings (
                reviewer    text        PRIMARY KEY,
                blur_radius integer,
                greyscale   boolean,
                mute        boolean,
                updated_at  timestamptz NOT NULL
            );

            INSERT INTO cases (id, subject, status, priority, opened_at, updated_at)
                SELECT MIN(r.id), COALESCE(r.account, 'case:' || MIN(r.id)), 'open',
                       MIN(CASE b.classification WHEN 'A1' THEN 1 WHEN 'A2' THEN 2 WHEN 'B1' THEN 3 WHEN 'B2' THEN 4 ELSE 5 END),
                       MIN(r.created_at), MAX(r.created_at)
                FROM review_cases r LEFT JOIN bank_content b ON b.id = r.content_id
                WHERE r.status = 'pending' GROUP BY COALESCE(r.account, 'case:' || r.id), r.account;
            INSERT INTO cases (id, subject, status, priority, opened_at, updated_at, decided_by, decided_at)
                SELECT r.id, COALESCE(r.account, 'case:' || r.id), 'decided', 5, r.created_at, COALESCE(r.decided_at, r.created_at), r.reviewer, r.decided_at
                FROM review_cases r WHERE r.status <> 'pending';
            INSERT INTO case_items (id, case_id, source, priority, signals, file_name, account, voucher_id, recheck, thumbnail,
                                    verdict, decided_by, decided_at, created_at)
                SELECT r.id,
                       CASE WHEN r.status = 'pending'
                            THEN (SELECT MIN(p.id) FROM review_cases p WHERE p.status = 'pending' AND COALESCE(p.account, 'case:' || p.id) = COALESCE(r.account, 'case:' || r.id))
                            ELSE r.id END,
                       r.source, CASE WHEN r.bank IS NULL THEN 7 ELSE 5 END, json_build_object('pdq', r.pdq)::text, r.name, r.account, r.voucher_id, r.recheck,
                       r.thumbnail, CASE r.status WHEN 'dismissed' THEN 'not_abuse' WHEN 'confirmed' THEN 'skip' END, r.reviewer, r.decided_at, r.created_at
                FROM review_cases r;
            INSERT INTO case_matches (item_id, bank, content_id, signal_type, distance, classification, entry_source, entry_source_id)
                SELECT r.id, r.bank, r.content_id, 'pdq', r.distance, b.classification, b.source, b.source_id
                FROM review_cases r LEFT JOIN bank_content b ON b.id = r.content_id
                WHERE r.bank IS NOT NULL AND r.content_id IS NOT NULL;
            SELECT setval(pg_get_serial_sequence('cases', 'id'), COALESCE((SELECT MAX(id) FROM cases), 0) + 1, false);
            SELECT setval(pg_get_serial_sequence('case_items', 'id'), COALESCE((SELECT MAX(id) FROM case_items), 0) + 1, false);
            DROP TABLE review_cases;
            """),
            new(12,
            Sqlite: """
            -- Classifiers' scores of an item (JSON: model, version, score, threshold, priority, labels); null when none scored it.
            ALTER TABLE case_items ADD COLUMN scores TEXT;
            """,
            Postgres: """
            ALTER TABLE case_items ADD COLUMN scores text;
            """),
        new(14,
            Sqlite: """
            -- Where the platform says an item was shared (chat, email, web_page, ...: CaseNames), for the report's
            -- internet details, and whether it was publicly visible (0/1); null when the platform did not say.
            -- No CHECK on the kind: a kind added later needs no table rebuild, and the reader refuses a name it does not know.
            ALTER TABLE case_items ADD COLUMN incident_kind TEXT;
            ALTER TABLE case_items ADD COLUMN publicly_available INTEGER;
            """,
            Postgres: """
            ALTER TABLE case_items ADD COLUMN incident_kind text;
            ALTER TABLE case_items ADD COLUMN publicly_available boolean;
            """),
];
}
