/// The store's schema on PostgreSQL: the same tables, columns and rules as on SQLite,
/// under the same named migrations.
///
/// A PostgreSQL store begins at the schema the SQLite migrations v1 to v13 add up to,
/// made in one step (`baseline`) that records all thirteen as applied; every later
/// migration is written for both engines under one name. Times are UTC text as on SQLite,
/// booleans are `boolean`, the review decisions are applied by triggers as there.
enum PostgresSchema {
    /// The migrations the baseline stands for: SQLite's first thirteen.
    static let baselineCount = 13

    static let baseline = """
        CREATE TABLE project (
            id text PRIMARY KEY, name text NOT NULL, aliases text NOT NULL, builder text, contractor text,
            subcontractors text NOT NULL, department text NOT NULL, township text, funding text, tags text NOT NULL,
            realname boolean, wage_account boolean, status text NOT NULL);
        CREATE INDEX project_on_department ON project (department);

        CREATE TABLE report (
            id text PRIMARY KEY, department text NOT NULL, period text NOT NULL, project_id text, project_name text NOT NULL,
            status text NOT NULL, arrears_type text, workers bigint, amount_owed double precision, amount_paid double precision,
            since text, resolved boolean, resolved_on text, responsible_unit text, responsible_person text, commitment boolean,
            filed_on text NOT NULL, filed_on_imputed boolean NOT NULL, source_file text NOT NULL);
        CREATE INDEX report_on_source_file ON report (source_file);
        CREATE INDEX report_on_project_period ON report (project_id, period);
        CREATE INDEX report_on_period ON report (period);
        CREATE INDEX report_resolved ON report (resolved_on) WHERE resolved;

        CREATE TABLE import_rejection (
            kind text NOT NULL, file text NOT NULL, department text NOT NULL DEFAULT '', "row" bigint NOT NULL, "column" text,
            reason text NOT NULL, PRIMARY KEY (kind, file, department, "row"));

        CREATE TABLE item (
            id text PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, feed_id text NOT NULL, source_key text NOT NULL,
            kind text NOT NULL, channel text, url text, author text, published_at text, fetched_at text NOT NULL,
            title text NOT NULL, content text NOT NULL, title_masked text NOT NULL, content_masked text NOT NULL,
            respondent text, location text, people bigint, amount double precision, petitioner text, phone text, status text,
            handling_unit text, closed_at text, UNIQUE (feed_id, source_key));

        CREATE TABLE assessment (
            item_id text PRIMARY KEY REFERENCES item (id) ON DELETE CASCADE, engine_version text NOT NULL,
            score double precision NOT NULL, level text NOT NULL, people bigint, amount double precision,
            is_signal boolean NOT NULL, claim text NOT NULL, is_escalation boolean NOT NULL, is_resolved boolean NOT NULL,
            fired_rules text NOT NULL, matched_terms text NOT NULL, story_key text NOT NULL, project_id text, link_band text,
            link_confidence double precision, link_evidence text, sites text NOT NULL, at text, kind text, channel text,
            status text, closed_at text);
        CREATE INDEX assessment_signals ON assessment (at)
            INCLUDE (item_id, kind, channel, score, level, claim, is_escalation, is_resolved, people, amount, story_key,
                     project_id, link_band, link_confidence, status, closed_at)
            WHERE is_signal;
        CREATE INDEX assessment_on_project_time ON assessment (project_id, at);

        CREATE TABLE feed_state (
            feed_id text PRIMARY KEY, etag text, last_modified text, last_attempt text, last_success text,
            error_count bigint NOT NULL DEFAULT 0, last_error text, last_status bigint, next_attempt text, last_new_item text,
            typical_gap double precision, last_body_cut_short boolean NOT NULL DEFAULT false);

        CREATE TABLE item_version (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item_id text NOT NULL REFERENCES item (id) ON DELETE CASCADE,
            title text NOT NULL, content text NOT NULL, title_masked text NOT NULL, content_masked text NOT NULL,
            fetched_at text, replaced_at text NOT NULL);
        CREATE INDEX item_version_on_item_id ON item_version (item_id);

        CREATE TABLE account (
            name text PRIMARY KEY, role text NOT NULL, password_hash text NOT NULL, created_at text NOT NULL, disabled_at text);
        CREATE TABLE session (
            id text PRIMARY KEY, account text NOT NULL REFERENCES account (name) ON DELETE CASCADE, csrf text NOT NULL,
            created_at text NOT NULL, expires_at text NOT NULL);
        CREATE TABLE review (
            item_id text PRIMARY KEY REFERENCES item (id) ON DELETE CASCADE, rejected boolean NOT NULL DEFAULT false,
            project_id text, claim text, followed_up_at text, decided_by text NOT NULL, decided_at text NOT NULL,
            scored_signal boolean NOT NULL DEFAULT true);
        CREATE TABLE review_claim (
            item_id text PRIMARY KEY REFERENCES item (id) ON DELETE CASCADE, account text NOT NULL, claimed_at text NOT NULL);
        CREATE TABLE audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at text NOT NULL, account text NOT NULL, role text NOT NULL,
            action text NOT NULL, item_id text, project_id text, reason text NOT NULL);
        CREATE INDEX audit_on_item_id ON audit (item_id);

        -- A petition's handling state, copied beside its verdict (the register reads it there).
        CREATE FUNCTION assessment_follows_petition() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE assessment SET status = NEW.status,
                closed_at = coalesce(NEW.closed_at, (SELECT followed_up_at FROM review WHERE item_id = NEW.id))
            WHERE item_id = NEW.id;
            RETURN NULL;
        END $$;
        CREATE TRIGGER assessment_follows_petition AFTER UPDATE OF status, closed_at ON item
            FOR EACH ROW WHEN (NEW.kind = 'petition') EXECUTE FUNCTION assessment_follows_petition();

        -- A new verdict on a decided item: the decision is applied again over the scorer's.
        CREATE FUNCTION assessment_follows_review() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE review SET scored_signal = NEW.is_signal WHERE item_id = NEW.item_id;
            RETURN NULL;
        END $$;
        CREATE TRIGGER assessment_follows_review AFTER INSERT ON assessment
            FOR EACH ROW EXECUTE FUNCTION assessment_follows_review();

        -- A decision applied to the verdict.
        CREATE FUNCTION review_applies() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE assessment SET
                is_signal = CASE WHEN NEW.rejected THEN false ELSE NEW.scored_signal END,
                project_id = coalesce(NEW.project_id, assessment.project_id),
                link_band = CASE WHEN NEW.project_id IS NULL THEN assessment.link_band ELSE 'link' END,
                link_confidence = CASE WHEN NEW.project_id IS NULL THEN assessment.link_confidence ELSE 1.0 END,
                claim = coalesce(NEW.claim, assessment.claim),
                closed_at = CASE WHEN assessment.kind = 'petition' THEN coalesce(assessment.closed_at, NEW.followed_up_at)
                                 ELSE assessment.closed_at END
            WHERE item_id = NEW.item_id;
            RETURN NULL;
        END $$;
        CREATE TRIGGER review_applies AFTER INSERT OR UPDATE ON review FOR EACH ROW EXECUTE FUNCTION review_applies();

        -- A number that moves with every change of what the register and the pages read
        -- (AppDatabase.dataVersion; SQLite's data_version on the other engine).
        CREATE SEQUENCE store_change;
        CREATE FUNCTION store_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM nextval('store_change');
            RETURN NULL;
        END $$;
        CREATE TRIGGER project_changed AFTER INSERT OR UPDATE OR DELETE ON project FOR EACH ROW EXECUTE FUNCTION store_changed();
        CREATE TRIGGER report_changed AFTER INSERT OR UPDATE OR DELETE ON report FOR EACH ROW EXECUTE FUNCTION store_changed();
        CREATE TRIGGER rejection_changed AFTER INSERT OR UPDATE OR DELETE ON import_rejection
            FOR EACH ROW EXECUTE FUNCTION store_changed();
        CREATE TRIGGER item_changed AFTER INSERT OR UPDATE OR DELETE ON item FOR EACH ROW EXECUTE FUNCTION store_changed();
        CREATE TRIGGER assessment_changed AFTER INSERT OR UPDATE OR DELETE ON assessment FOR EACH ROW EXECUTE FUNCTION store_changed();
        CREATE TRIGGER review_changed AFTER INSERT OR UPDATE OR DELETE ON review FOR EACH ROW EXECUTE FUNCTION store_changed();
        CREATE TRIGGER feed_state_changed AFTER INSERT OR UPDATE OR DELETE ON feed_state FOR EACH ROW EXECUTE FUNCTION store_changed();

        -- Search: the masked display copies cut into character pairs (see AppDatabase+Search).
        CREATE TABLE search_pair (pair text NOT NULL, item_seq bigint NOT NULL, PRIMARY KEY (pair, item_seq));
        CREATE INDEX search_pair_on_item ON search_pair (item_seq);
        CREATE TABLE search_state (id bigint PRIMARY KEY, item_rowid bigint NOT NULL, version_id bigint NOT NULL);
        INSERT INTO search_state (id, item_rowid, version_id) VALUES (1, 0, 0);
        """

    /// Migrations after the baseline, by name, as PostgreSQL statements.
    static let later: [(identifier: String, sql: String)] = [
        AppDatabase.feedLeaseMigration,
        (AppDatabase.sharedNodesMigration.identifier, AppDatabase.sharedNodesMigration.postgres),
        AppDatabase.storeCopyMigration,
        (AppDatabase.platformMigration.identifier, AppDatabase.platformMigration.postgres),
        AppDatabase.platformFileIndexMigration,
        (AppDatabase.caseMigration.identifier, AppDatabase.caseMigration.postgres),
        AppDatabase.accountUnitMigration,
        (AppDatabase.caseFileMigration.identifier, AppDatabase.caseFileMigration.postgres),
        AppDatabase.alertMigration,
        AppDatabase.alertStoryMigration,
        AppDatabase.rejectedRowMigration,
        (AppDatabase.keptRollupMigration.identifier, AppDatabase.keptRollupMigration.postgres),
    ]

    /// Brings the store to the current schema: the baseline on an empty database, then
    /// each later migration not yet applied, each in the write transaction that records it.
    /// A store naming migrations this wagewatch does not know is refused.
    static func migrate(_ pool: PostgresPool, identifiers: [String], readOnly: Bool, create: Bool = true) throws {
        let known = Set(identifiers)
        func applied(_ session: SQLSession) throws -> Set<String> {
            guard try session.value("SELECT to_regclass('wagewatch_migrations') IS NOT NULL", as: Bool.self) == true else { return [] }
            let applied = Set(try session.rows("SELECT identifier FROM wagewatch_migrations") { try $0.first(as: String.self) })
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else { throw StoreError.newerStore(unknown.sorted()) }
            return applied
        }
        let before = try pool.read(applied)
        guard identifiers.contains(where: { !before.contains($0) }) else { return }
        guard !readOnly else { throw before.isEmpty ? StoreError.noStore(pool.location.description) : StoreError.olderStore }
        guard create || !before.isEmpty else { throw StoreError.noStore(pool.location.description) }
        if let schema = pool.location.schema {
            // Its name was checked plain (letters, digits, _).
            try pool.withoutTransaction { session in try session.execute("CREATE SCHEMA IF NOT EXISTS \(schema)") }
        }
        // Under the write lock: another process may have migrated meanwhile.
        try pool.write { session in
            try session.execute("CREATE TABLE IF NOT EXISTS wagewatch_migrations (identifier text PRIMARY KEY)")
            let done = try applied(session)
            if done.isEmpty {
                try session.executeScript(baseline)
                for identifier in identifiers.prefix(baselineCount) {
                    try session.execute("INSERT INTO wagewatch_migrations (identifier) VALUES (?)", [.text(identifier)])
                }
            }
            for (identifier, sql) in later where !done.contains(identifier) {
                try session.executeScript(sql)
                try session.execute("INSERT INTO wagewatch_migrations (identifier) VALUES (?)", [.text(identifier)])
            }
        }
    }
}
