import GRDB

extension AppDatabase {
    /// Which worker fetches a feed until when (`watch` on several machines): written alike
    /// for both engines.
    static let feedLeaseMigration = (
        identifier: "v14: feed leases of several workers",
        sql: "CREATE TABLE feed_lease (feed_id text PRIMARY KEY, holder text NOT NULL, until text NOT NULL)"
    )

    /// The login attempts' table (`beginLogin`), alike on both engines.
    private static let loginAttemptTable = """
        CREATE TABLE login_attempt (attempt text NOT NULL, key text NOT NULL, at text NOT NULL, PRIMARY KEY (attempt, key));
        CREATE INDEX login_attempt_on_key ON login_attempt (key, at);
        """

    /// The tables whose changes the register and the pages read, with the prefix of their
    /// triggers' names: on PostgreSQL each statement on them moves `store_change`.
    private static let readTables = [
        ("project", "project"), ("report", "report"), ("rejection", "import_rejection"), ("item", "item"),
        ("assessment", "assessment"), ("review", "review"), ("feed_state", "feed_state"),
    ]

    /// Failed logins counted in the store, so that every web node of one store throttles
    /// alike (`beginLogin`); on PostgreSQL, notices of committed changes for the other
    /// nodes (`followNotices`).
    static let sharedNodesMigration = (
        identifier: "v15: login attempts in the store; on PostgreSQL, change notices and triggers per statement",
        sqlite: loginAttemptTable,
        postgres: loginAttemptTable + """

            -- One notice per statement that changed what the register and the pages read,
            -- one per change of the claims, one per decision (with its item): sent when the
            -- transaction commits, to every process listening on channel wagewatch. The
            -- payload starts with the schema, so that stores side by side in one database
            -- do not hear each other. The same statement-level triggers move store_change
            -- (in place of a trigger per row: a statement that stores a thousand items
            -- moves it once).

            """
            + readTables.map { "DROP TRIGGER \($0.0)_changed ON \($0.1);\n" }.joined()
                + """
                DROP FUNCTION store_changed();
                CREATE FUNCTION store_notice() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_ARGV[0] = 'changed' THEN
                        PERFORM nextval('store_change');
                    END IF;
                    PERFORM pg_notify('wagewatch', TG_TABLE_SCHEMA || ' ' || TG_ARGV[0]);
                    RETURN NULL;
                END $$;

                """
            + readTables.map {
                "CREATE TRIGGER \($0.0)_notice AFTER INSERT OR UPDATE OR DELETE ON \($0.1)"
                    + " FOR EACH STATEMENT EXECUTE FUNCTION store_notice('changed');\n"
            }.joined()
                + """
                CREATE TRIGGER claim_notice AFTER INSERT OR UPDATE OR DELETE ON review_claim
                    FOR EACH STATEMENT EXECUTE FUNCTION store_notice('claimed');
                CREATE FUNCTION decision_notice() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('wagewatch', TG_TABLE_SCHEMA || ' decided ' || NEW.item_id);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER decision_notice AFTER INSERT OR UPDATE OF rejected, project_id, claim, followed_up_at, decided_at
                    ON review FOR EACH ROW EXECUTE FUNCTION decision_notice();

                -- A new verdict on a decided item: the decision is applied again over the scorer's,
                -- once for all the verdicts a statement stored (not one statement per verdict).
                DROP TRIGGER assessment_follows_review ON assessment;
                CREATE OR REPLACE FUNCTION assessment_follows_review() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE review SET scored_signal = added.is_signal FROM added WHERE review.item_id = added.item_id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER assessment_follows_review AFTER INSERT ON assessment REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION assessment_follows_review();
                """
    )

    /// How far a copy into this store has come (`StoreCopy`): per table, the source, the
    /// key of the last row copied, the rows copied, whether it is done.
    static let storeCopyMigration = (
        identifier: "v16: progress of a store copy",
        sql: """
        CREATE TABLE store_copy (
            table_name text PRIMARY KEY, source text NOT NULL, last_key text, copied bigint NOT NULL, done boolean NOT NULL)
        """
    )

    /// Named migrations, applied in order; a migration once shipped is never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: registry, reports, items, assessments") { db in
            try db.create(table: "project") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("aliases", .jsonText).notNull()
                table.column("builder", .text)
                table.column("contractor", .text)
                table.column("subcontractors", .jsonText).notNull()
                table.column("department", .text).notNull().indexed()
                table.column("township", .text)
                table.column("funding", .text)
                table.column("tags", .jsonText).notNull()
                table.column("realname", .boolean)
                table.column("wage_account", .boolean)
                table.column("status", .text).notNull()
            }
            try db.create(table: "report") { table in
                table.primaryKey("id", .text)
                table.column("department", .text).notNull()
                table.column("period", .text).notNull()
                table.column("project_id", .text)
                table.column("project_name", .text).notNull()
                table.column("status", .text).notNull()
                table.column("arrears_type", .text)
                table.column("workers", .integer)
                table.column("amount_owed", .double)
                table.column("amount_paid", .double)
                table.column("since", .text)
                table.column("resolved", .boolean)
                table.column("resolved_on", .text)
                table.column("responsible_unit", .text)
                table.column("responsible_person", .text)
                table.column("commitment", .boolean)
                table.column("filed_on", .text).notNull()
                table.column("filed_on_imputed", .boolean).notNull()
                table.column("source_file", .text).notNull().indexed()
            }
            try db.create(index: "report_on_project_period", on: "report", columns: ["project_id", "period"])
            try db.create(table: "import_rejection") { table in
                table.column("kind", .text).notNull()  // registry, reports, feed
                table.column("file", .text).notNull()
                table.column("row", .integer).notNull()
                table.column("column", .text)
                table.column("reason", .text).notNull()
                table.column("department", .text)
                table.primaryKey(["kind", "file", "row"])
            }
            try db.create(table: "item") { table in
                table.primaryKey("id", .text)
                table.column("feed_id", .text).notNull()
                table.column("source_key", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("channel", .text)
                table.column("url", .text)
                table.column("author", .text)
                table.column("published_at", .datetime)
                table.column("fetched_at", .datetime).notNull()
                table.column("title", .text).notNull()
                table.column("content", .text).notNull()
                // Display copies with phone, ID and bank card numbers masked, for
                // every reader not allowed personal data.
                table.column("title_masked", .text).notNull()
                table.column("content_masked", .text).notNull()
                table.column("respondent", .text)
                table.column("location", .text)
                table.column("people", .integer)
                table.column("amount", .double)
                table.column("petitioner", .text)
                table.column("phone", .text)
                table.column("status", .text)
                table.column("handling_unit", .text)
                table.column("closed_at", .datetime)
                table.uniqueKey(["feed_id", "source_key"])
            }
            try db.create(index: "item_on_time", on: "item", expressions: [SQL("coalesce(published_at, fetched_at)")])
            try db.create(table: "assessment") { table in
                table.primaryKey("item_id", .text).references("item", onDelete: .cascade)
                table.column("engine_version", .text).notNull()
                table.column("score", .double).notNull()
                table.column("level", .text).notNull()
                table.column("people", .integer)
                table.column("amount", .double)
                table.column("is_signal", .boolean).notNull()
                table.column("claim", .text).notNull()
                table.column("is_escalation", .boolean).notNull()
                table.column("is_resolved", .boolean).notNull()
                table.column("fired_rules", .jsonText).notNull()
                table.column("matched_terms", .jsonText).notNull()
                table.column("story_key", .text).notNull()
                table.column("project_id", .text).indexed()
                table.column("link_band", .text)
                table.column("link_confidence", .double)
                table.column("link_evidence", .jsonText)
                table.column("sites", .jsonText).notNull()
            }
        }
        migrator.registerMigration("v2: feed state") { db in
            try db.create(table: "feed_state") { table in
                table.primaryKey("feed_id", .text)
                table.column("etag", .text)
                table.column("last_modified", .text)
                table.column("last_attempt", .datetime)
                table.column("last_success", .datetime)
                table.column("error_count", .integer).notNull().defaults(to: 0)
                table.column("last_error", .text)
                table.column("last_status", .integer)
                table.column("next_attempt", .datetime)
            }
        }
        migrator.registerMigration("v3: feed rhythm, item history") { db in
            try db.alter(table: "feed_state") { table in
                table.add(column: "last_new_item", .datetime)
                table.add(column: "typical_gap", .double)
            }
            // Earlier texts of items whose source changed them; the item row holds the latest.
            try db.create(table: "item_version") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("item_id", .text).notNull().indexed().references("item", onDelete: .cascade)
                table.column("title", .text).notNull()
                table.column("content", .text).notNull()
                table.column("title_masked", .text).notNull()
                table.column("content_masked", .text).notNull()
                table.column("fetched_at", .datetime)
                table.column("replaced_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v4: signal index") { db in
            // The register reads signals by time: keep the item's time, kind and channel
            // beside its verdict (both change only together, when the text changes and the
            // verdict is redone), so that it walks one index instead of joining every item.
            try db.alter(table: "assessment") { table in
                table.add(column: "at", .datetime)
                table.add(column: "kind", .text)
                table.add(column: "channel", .text)
            }
            try db.execute(
                sql: """
                    UPDATE assessment SET (at, kind, channel) =
                        (SELECT coalesce(published_at, fetched_at), kind, channel FROM item WHERE item.id = assessment.item_id)
                    """)
            try db.execute(sql: "CREATE INDEX assessment_signal_time ON assessment(at) WHERE is_signal")
        }
        migrator.registerMigration("v5: register read indexes") { db in
            // The register reads the ledger rows of a few recent months, and rows marked 清零
            // of the year before: by index, not a scan of every month ever filed.
            try db.execute(sql: "CREATE INDEX report_on_period ON report(period)")
            try db.execute(sql: "CREATE INDEX report_resolved ON report(resolved_on) WHERE resolved")
            // The register reads every signal of its span: from an index that holds what it
            // reads, in time order, instead of a seek into the table for each one. Lists are
            // left out (the table is read for the few rows that need theirs).
            try db.execute(sql: "DROP INDEX assessment_signal_time")
            // Item times are read from the verdicts since v4: their index only slowed inserts.
            try db.execute(sql: "DROP INDEX item_on_time")
            try db.execute(
                sql: """
                    CREATE INDEX assessment_signals ON assessment(
                        at, item_id, kind, channel, score, level, claim, is_escalation, is_resolved, people, amount,
                        story_key, project_id, link_band, link_confidence)
                    WHERE is_signal
                    """)
        }
        migrator.registerMigration("v6: petition state beside the verdict") { db in
            // A petition's handling state (办理状态, 办结时间) changes after its verdict: a
            // trigger keeps a copy beside the verdict, so that the register reads every signal
            // from one index, without a seek into the items for each petition, nor into the
            // verdicts for the sites of unlinked signals (only those have any).
            try db.alter(table: "assessment") { table in
                table.add(column: "status", .text)
                table.add(column: "closed_at", .datetime)
            }
            try db.execute(
                sql: """
                    UPDATE assessment SET (status, closed_at) =
                        (SELECT status, closed_at FROM item WHERE item.id = assessment.item_id)
                    WHERE kind = 'petition'
                    """)
            try db.execute(
                sql: """
                    CREATE TRIGGER assessment_follows_petition AFTER UPDATE OF status, closed_at ON item
                    WHEN NEW.kind = 'petition'
                    BEGIN
                        UPDATE assessment SET status = NEW.status, closed_at = NEW.closed_at WHERE item_id = NEW.id;
                    END
                    """)
            try db.execute(sql: "DROP INDEX assessment_signals")
            try db.execute(
                sql: """
                    CREATE INDEX assessment_signals ON assessment(
                        at, item_id, kind, channel, score, level, claim, is_escalation, is_resolved, people, amount,
                        story_key, project_id, link_band, link_confidence, status, closed_at, sites)
                    WHERE is_signal
                    """)
        }
        migrator.registerMigration("v7: accounts") { db in
            // Users of the web UI: a role each, and a bcrypt hash of the password (never the
            // password itself).
            try db.create(table: "account") { table in
                table.primaryKey("name", .text)
                table.column("role", .text).notNull()
                table.column("password_hash", .text).notNull()
                table.column("created_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v8: web sessions, review decisions, audit log, search") { db in
            // Signed-in browsers: a random id (the cookie) per session, its CSRF token and expiry.
            try db.create(table: "session") { table in
                table.primaryKey("id", .text)
                table.column("account", .text).notNull().references("account", onDelete: .cascade)
                table.column("csrf", .text).notNull()
                table.column("created_at", .datetime).notNull()
                table.column("expires_at", .datetime).notNull()
            }
            // What the petition bureau decided on an item, on top of the scorer's verdict: a
            // rejection (not wage arrears), a project (confirmed or relinked), a claim kind
            // (工程款 dispute), a follow-up. One row per item, each decision added to it.
            try db.create(table: "review") { table in
                table.primaryKey("item_id", .text).references("item", onDelete: .cascade)
                table.column("rejected", .boolean).notNull().defaults(to: false)
                table.column("project_id", .text)
                table.column("claim", .text)
                table.column("followed_up_at", .datetime)
                table.column("decided_by", .text).notNull()
                table.column("decided_at", .datetime).notNull()
            }
            // Who is looking at an item in the review queue.
            try db.create(table: "review_claim") { table in
                table.primaryKey("item_id", .text).references("item", onDelete: .cascade)
                table.column("account", .text).notNull()
                table.column("claimed_at", .datetime).notNull()
            }
            // Who did what, when and why; never edited.
            try db.create(table: "audit") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .datetime).notNull()
                table.column("account", .text).notNull()
                table.column("role", .text).notNull()
                table.column("action", .text).notNull()
                table.column("item_id", .text).indexed()
                table.column("project_id", .text)
                table.column("reason", .text).notNull()
            }
            // A decision holds over every later verdict of the scorer (new rules, a changed
            // text, a rescore): applied after each verdict is written, and after the petition's
            // own state is copied beside it (a follow-up counts as handled from its time).
            try db.execute(
                sql: """
                    CREATE TRIGGER assessment_follows_review AFTER INSERT ON assessment
                    WHEN EXISTS (SELECT 1 FROM review WHERE item_id = NEW.item_id)
                    BEGIN
                        UPDATE assessment SET
                            is_signal = assessment.is_signal AND NOT r.rejected,
                            project_id = coalesce(r.project_id, assessment.project_id),
                            link_band = CASE WHEN r.project_id IS NULL THEN assessment.link_band ELSE 'link' END,
                            link_confidence = CASE WHEN r.project_id IS NULL THEN assessment.link_confidence ELSE 1.0 END,
                            claim = coalesce(r.claim, assessment.claim),
                            closed_at = CASE WHEN assessment.kind = 'petition' THEN coalesce(assessment.closed_at, r.followed_up_at)
                                             ELSE assessment.closed_at END
                        FROM review AS r WHERE r.item_id = assessment.item_id AND assessment.item_id = NEW.item_id;
                    END
                    """)
            try db.execute(sql: "DROP TRIGGER assessment_follows_petition")
            try db.execute(
                sql: """
                    CREATE TRIGGER assessment_follows_petition AFTER UPDATE OF status, closed_at ON item
                    WHEN NEW.kind = 'petition'
                    BEGIN
                        UPDATE assessment SET status = NEW.status,
                            closed_at = coalesce(NEW.closed_at, (SELECT followed_up_at FROM review WHERE item_id = NEW.id))
                        WHERE item_id = NEW.id;
                    END
                    """)
            // The register's project page reads a project's verdicts by time.
            try db.execute(sql: "DROP INDEX assessment_on_project_id")
            try db.execute(sql: "CREATE INDEX assessment_on_project_time ON assessment(project_id, at)")
            // Search: stored texts (masked, folded) as overlapping character pairs, so that a
            // two-character term such as 欠薪 is found (SQLite's trigram tokenizer cannot).
            // Rows are keyed by the item's rowid; `search_state` keeps how far indexing got.
            try db.execute(sql: "CREATE VIRTUAL TABLE search_bigram USING fts5(text, tokenize = 'unicode61')")
            try db.create(table: "search_state") { table in
                table.primaryKey("id", .integer)
                table.column("item_rowid", .integer).notNull()
                table.column("version_id", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO search_state (id, item_rowid, version_id) VALUES (1, 0, 0)")
        }
        migrator.registerMigration("v9: review decisions applied by the store, the scorer's own signal kept") { db in
            // A rejection taken back (by a confirm or relink) must give the item back the
            // scorer's own verdict, not "signal" for every item: the review keeps what the
            // scorer said. Decisions are laid over the verdict by triggers on both tables, so
            // the SQL stands once, here: a decision written (review row inserted or updated),
            // or a new verdict of the scorer (which records its signal in the review row,
            // and that update lays the decision over it).
            try db.alter(table: "review") { table in
                table.add(column: "scored_signal", .boolean).notNull().defaults(to: true)
            }
            try db.execute(sql: "DROP TRIGGER assessment_follows_review")
            try db.execute(
                sql: """
                    CREATE TRIGGER assessment_follows_review AFTER INSERT ON assessment
                    WHEN EXISTS (SELECT 1 FROM review WHERE item_id = NEW.item_id)
                    BEGIN
                        UPDATE review SET scored_signal = NEW.is_signal WHERE item_id = NEW.item_id;
                    END
                    """)
            let apply = """
                UPDATE assessment SET
                    is_signal = CASE WHEN NEW.rejected THEN 0 ELSE NEW.scored_signal END,
                    project_id = coalesce(NEW.project_id, assessment.project_id),
                    link_band = CASE WHEN NEW.project_id IS NULL THEN assessment.link_band ELSE 'link' END,
                    link_confidence = CASE WHEN NEW.project_id IS NULL THEN assessment.link_confidence ELSE 1.0 END,
                    claim = coalesce(NEW.claim, assessment.claim),
                    closed_at = CASE WHEN assessment.kind = 'petition' THEN coalesce(assessment.closed_at, NEW.followed_up_at)
                                     ELSE assessment.closed_at END
                WHERE item_id = NEW.item_id;
                """
            try db.execute(sql: "CREATE TRIGGER review_applies_on_insert AFTER INSERT ON review BEGIN \(apply) END")
            try db.execute(sql: "CREATE TRIGGER review_applies_on_update AFTER UPDATE ON review BEGIN \(apply) END")
        }
        migrator.registerMigration("v10: session ids kept as SHA-256 digests") { db in
            // Sessions stored before held the id itself: they end (users log in again).
            try db.execute(sql: "DELETE FROM session")
        }
        migrator.registerMigration("v11: rejected rows kept per department of a file name") { db in
            // Two departments' ledgers may share a file name (ledger.csv): a rejected row is
            // the file's, the department's ('' when the row did not say) and its number.
            try db.create(table: "import_rejection_new") { table in
                table.column("kind", .text).notNull()
                table.column("file", .text).notNull()
                table.column("department", .text).notNull().defaults(to: "")
                table.column("row", .integer).notNull()
                table.column("column", .text)
                table.column("reason", .text).notNull()
                table.primaryKey(["kind", "file", "department", "row"])
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO import_rejection_new (kind, file, department, row, "column", reason)
                    SELECT kind, file, coalesce(department, ''), row, "column", reason FROM import_rejection
                    """)
            try db.drop(table: "import_rejection")
            try db.rename(table: "import_rejection_new", to: "import_rejection")
        }
        migrator.registerMigration("v12: a feed's last body cut short") { db in
            try db.alter(table: "feed_state") { table in
                table.add(column: "last_body_cut_short", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v13: accounts an administrator stopped") { db in
            try db.alter(table: "account") { table in table.add(column: "disabled_at", .datetime) }
        }
        migrator.registerMigration(feedLeaseMigration.identifier) { db in try db.execute(sql: feedLeaseMigration.sql) }
        migrator.registerMigration(sharedNodesMigration.identifier) { db in try db.execute(sql: sharedNodesMigration.sqlite) }
        migrator.registerMigration(storeCopyMigration.identifier) { db in try db.execute(sql: storeCopyMigration.sql) }
        migrator.registerMigration(platformMigration.identifier) { db in try db.execute(sql: platformMigration.sqlite) }
        migrator.registerMigration(platformFileIndexMigration.identifier) { db in try db.execute(sql: platformFileIndexMigration.sql) }
        migrator.registerMigration(caseMigration.identifier) { db in try db.execute(sql: caseMigration.sqlite) }
        migrator.registerMigration(accountUnitMigration.identifier) { db in try db.execute(sql: accountUnitMigration.sql) }
        migrator.registerMigration(caseFileMigration.identifier) { db in try db.execute(sql: caseFileMigration.sqlite) }
        migrator.registerMigration(alertMigration.identifier) { db in try db.execute(sql: alertMigration.sql) }
        migrator.registerMigration(alertStoryMigration.identifier) { db in try db.execute(sql: alertStoryMigration.sql) }
        migrator.registerMigration(rejectedRowMigration.identifier) { db in try db.execute(sql: rejectedRowMigration.sql) }
        migrator.registerMigration(keptRollupMigration.identifier) { db in try db.execute(sql: keptRollupMigration.sqlite) }
        return migrator
    }
}
