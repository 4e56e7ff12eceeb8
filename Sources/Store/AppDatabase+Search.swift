import Foundation
import GRDB
import Model

/// Text as overlapping character pairs, for SQLite's FTS5: 农民工工资 → 农民 民工 工工 工资.
/// A query of two or more characters then becomes a phrase of its pairs, which matches
/// exactly where the query stands in the text; SQLite's trigram tokenizer could not find a
/// two-character term (欠薪), and its `LIKE` gave no rows for one on SQLite 3.40.
public enum SearchText {
    /// The pairs of each run of letters and digits, space-separated; a run of one
    /// character stands as itself. Punctuation and spaces end a run, so that no pair
    /// spans two phrases.
    public static func bigrams(_ text: String) -> String {
        runs(text).map { run in run.count == 1 ? String(run) : pairs(run).joined(separator: " ") }.joined(separator: " ")
    }

    /// The FTS5 query for `text`: one phrase of pairs per run of two characters or more, all
    /// of them required; nil when the text has no such run.
    public static func query(_ text: String) -> String? {
        let phrases = runs(text).filter { $0.count > 1 }.map { "\"" + pairs($0).joined(separator: " ") + "\"" }
        return phrases.isEmpty ? nil : phrases.joined(separator: " AND ")
    }

    /// Runs of letters and digits, lowercased (quotes and every other mark end a run, so
    /// none reaches a query).
    static func runs(_ text: String) -> [[Character]] {
        var runs: [[Character]] = []
        var run: [Character] = []
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                run.append(character)
            } else if !run.isEmpty {
                runs.append(run)
                run = []
            }
        }
        if !run.isEmpty { runs.append(run) }
        return runs
    }

    static func pairs(_ run: [Character]) -> [String] {
        (0..<run.count - 1).map { String([run[$0], run[$0 + 1]]) }
    }
}

extension AppDatabase {
    /// Adds to the search index the items stored since it was last brought up to date, and
    /// indexes again those whose text changed since: their display copies (personal numbers
    /// masked), folded by `fold` (traditional to simplified, full width to half). Works in
    /// transactions of `batch` items; safe to run again or to stop between batches.
    /// - Returns: how many items were indexed.
    @discardableResult
    public func updateSearchIndex(batch: Int = 2_000, fold: @Sendable (String) -> String) async throws -> Int {
        var indexed = 0
        while true {
            let done = try await writer.write { db -> Int in
                // swift-format-ignore: NeverForceUnwrap
                // (the migration inserts the one row of search_state)
                let state = try Row.fetchOne(db, sql: "SELECT item_rowid, version_id FROM search_state WHERE id = 1")!
                let lastRowID: Int64 = state["item_rowid"]
                let lastVersion: Int64 = state["version_id"]
                // Items whose text changed since, first (they are few).
                let changed = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT v.id AS version, i.rowid AS item_rowid, \(Self.displayColumns(of: "i")) FROM item_version v JOIN item i ON i.id = v.item_id
                        WHERE v.id > ? AND i.rowid <= ? ORDER BY v.id LIMIT ?
                        """, arguments: [lastVersion, lastRowID, batch])
                if let newest = changed.last {
                    for row in changed {
                        let rowID: Int64 = row["item_rowid"]
                        try db.execute(sql: "DELETE FROM search_bigram WHERE rowid = ?", arguments: [rowID])
                        try Self.index(rowID: rowID, title: row["shown_title"], content: row["shown_content"], fold: fold, in: db)
                    }
                    let last: Int64 = newest["version"]
                    try db.execute(sql: "UPDATE search_state SET version_id = ? WHERE id = 1", arguments: [last])
                    return changed.count
                }
                let fresh = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT rowid AS item_rowid, \(Self.displayColumns) FROM item WHERE rowid > ? ORDER BY rowid LIMIT ?
                        """, arguments: [lastRowID, batch])
                guard let last = fresh.last else {
                    // Versions of items indexed later than their change are done already.
                    try db.execute(
                        sql: """
                            UPDATE search_state SET version_id = (SELECT coalesce(max(id), 0) FROM item_version) WHERE id = 1
                            """)
                    return 0
                }
                for row in fresh {
                    try Self.index(rowID: row["item_rowid"], title: row["shown_title"], content: row["shown_content"], fold: fold, in: db)
                }
                let lastID: Int64 = last["item_rowid"]
                try db.execute(sql: "UPDATE search_state SET item_rowid = ? WHERE id = 1", arguments: [lastID])
                return fresh.count
            }
            indexed += done
            if done == 0 { return indexed }
        }
    }

    /// Empties the search index, to be built again by `updateSearchIndex` (after a
    /// `VACUUM` by hand, which may renumber the items' rowids the index is keyed by;
    /// wagewatch itself never vacuums).
    public func clearSearchIndex() async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM search_bigram")
            try db.execute(sql: "UPDATE search_state SET item_rowid = 0, version_id = 0 WHERE id = 1")
        }
    }

    private static func index(rowID: Int64, title: String, content: String, fold: @Sendable (String) -> String, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO search_bigram (rowid, text) VALUES (?, ?)",
            arguments: [rowID, SearchText.bigrams(fold(title)) + " " + SearchText.bigrams(fold(content))])
    }

    /// Items whose display text contains `text` (folded by `fold`), newest first: ids, at
    /// most `limit`. A query of one character is looked for in the newest items only
    /// (`scanLimit` of them), a substring scan.
    public func search(_ text: String, limit: Int, scanLimit: Int = 20_000, fold: @Sendable (String) -> String) async throws -> [String] {
        let folded = fold(text).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !folded.isEmpty else { return [] }
        return try await writer.read { db in
            if let query = SearchText.query(folded) {
                return try String.fetchAll(
                    db,
                    sql: """
                        SELECT i.id FROM search_bigram s JOIN item i ON i.rowid = s.rowid
                        WHERE search_bigram MATCH ? ORDER BY coalesce(i.published_at, i.fetched_at) DESC, i.id LIMIT ?
                        """, arguments: [query, limit])
            }
            return try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM (SELECT id, published_at, fetched_at, \(Self.displayColumns) FROM item
                                    ORDER BY rowid DESC LIMIT ?1)
                    WHERE instr(shown_title, ?2) OR instr(shown_content, ?2)
                    ORDER BY coalesce(published_at, fetched_at) DESC, id LIMIT ?3
                    """, arguments: [scanLimit, folded, limit])
        }
    }
}
