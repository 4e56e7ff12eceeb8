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
    public func updateSearchIndex(batch: Int = 2_000, fold: @escaping @Sendable (String) -> String) async throws -> Int {
        if case .postgres = backend { return try await updatePairIndex(batch: batch, fold: fold) }
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
        if case .postgres = backend {
            return try await write { session in
                try session.execute("DELETE FROM search_pair")
                try session.execute("UPDATE search_state SET item_rowid = 0, version_id = 0 WHERE id = 1")
            }
        }
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
    /// Petitions found by what only the petition bureau may look up, in the stored fields
    /// themselves (never in the search index, which holds masked copies): a case number
    /// (the record's own id, XF-…), a petitioner's name, a phone number (its digits, however
    /// the record or the query groups them; seven at least). Newest first, at most `limit`.
    public func petitionsByPersonalKey(_ text: String, limit: Int) async throws -> [String] {
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard key.count >= 2 else { return [] }
        let digits = key.filter(\.isASCII).filter(\.isNumber)
        let isPhone = digits.count >= 7 && key.allSatisfy { $0.isNumber || "+-() ".contains($0) }
        return try await read { session in
            var conditions = ["source_key = ?", "id = ?", "petitioner = ?"]
            var arguments: [SQLValue] = [key.sqlValue, key.sqlValue, key.sqlValue]
            // A part of a name: two characters at least once the wildcards are taken out
            // (`%%` is no name, and would list every petition).
            let part = key.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
            if part.count >= 2 && key.count <= 20 && !isPhone {
                conditions.append("petitioner LIKE ?")
                arguments.append(("%" + part + "%").sqlValue)
            }
            if isPhone {
                conditions.append("replace(replace(replace(phone, '-', ''), ' ', ''), '+86', '') LIKE ?")
                arguments.append(("%" + String(digits.suffix(11)) + "%").sqlValue)
            }
            return try session.rows(
                """
                SELECT id FROM item WHERE kind = 'petition' AND (\(conditions.joined(separator: " OR ")))
                ORDER BY published_at DESC, id LIMIT ?
                """, arguments + [limit.sqlValue]
            ) { try $0("id", as: String.self) }
        }
    }

    public func search(
        _ text: String, limit: Int, scanLimit: Int = 20_000, fold: @escaping @Sendable (String) -> String
    ) async throws -> [String] {
        let folded = fold(text).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !folded.isEmpty else { return [] }
        if case .postgres = backend { return try await searchPairs(folded, limit: limit, scanLimit: scanLimit, fold: fold) }
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

/// Search on PostgreSQL: the same pairs as on SQLite, one row each (`search_pair`: pair,
/// item), found through the table's primary key, which begins with the pair. An item that
/// has every pair of a query is then checked in full (the pairs of 工资 and 资工 say nothing
/// of their order), newest first, until enough are found.
extension AppDatabase {
    private func updatePairIndex(batch: Int, fold: @escaping @Sendable (String) -> String) async throws -> Int {
        var indexed = 0
        while true {
            let done = try await write { session -> Int in
                guard
                    let state = try session.row(
                        "SELECT item_rowid, version_id FROM search_state WHERE id = 1", [],
                        { row in
                            (seq: try row("item_rowid", as: Int64.self), version: try row("version_id", as: Int64.self))
                        })
                else { throw StoreError.corruptValue(column: "search_state", value: "no row") }
                // Items whose text changed since, first (they are few).
                let changed = try session.rows(
                    """
                    SELECT v.id AS version, i.seq, \(Self.displayColumns(of: "i")) FROM item_version v JOIN item i ON i.id = v.item_id
                    WHERE v.id > ? AND i.seq <= ? ORDER BY v.id LIMIT ?
                    """, [state.version.sqlValue, state.seq.sqlValue, batch.sqlValue]
                ) { row in
                    (
                        version: try row("version", as: Int64.self), seq: try row("seq", as: Int64.self),
                        title: try row("shown_title", as: String.self), content: try row("shown_content", as: String.self)
                    )
                }
                if let newest = changed.last {
                    for item in changed {
                        try session.execute("DELETE FROM search_pair WHERE item_seq = ?", [item.seq.sqlValue])
                        try Self.indexPairs(seq: item.seq, title: item.title, content: item.content, fold: fold, in: session)
                    }
                    try session.execute("UPDATE search_state SET version_id = ? WHERE id = 1", [newest.version.sqlValue])
                    return changed.count
                }
                let fresh = try session.rows(
                    "SELECT seq, \(Self.displayColumns) FROM item WHERE seq > ? ORDER BY seq LIMIT ?", [state.seq.sqlValue, batch.sqlValue]
                ) { row in
                    (
                        seq: try row("seq", as: Int64.self), title: try row("shown_title", as: String.self),
                        content: try row("shown_content", as: String.self)
                    )
                }
                guard let last = fresh.last else {
                    // Versions of items indexed later than their change are done already.
                    try session.execute("UPDATE search_state SET version_id = (SELECT coalesce(max(id), 0) FROM item_version) WHERE id = 1")
                    return 0
                }
                for item in fresh { try Self.indexPairs(seq: item.seq, title: item.title, content: item.content, fold: fold, in: session) }
                try session.execute("UPDATE search_state SET item_rowid = ? WHERE id = 1", [last.seq.sqlValue])
                return fresh.count
            }
            indexed += done
            if done == 0 { return indexed }
        }
    }

    private static func indexPairs(seq: Int64, title: String, content: String, fold: (String) -> String, in session: SQLSession) throws {
        let pairs = Set(SearchText.runs(fold(title)) + SearchText.runs(fold(content)))
            .flatMap { run in run.count == 1 ? [String(run)] : SearchText.pairs(run) }
        let unique = Array(Set(pairs))
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = unique[start..<min(start + 500, unique.count)]
            let rows = Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")
            try session.execute(
                "INSERT INTO search_pair (pair, item_seq) VALUES \(rows) ON CONFLICT DO NOTHING",
                chunk.flatMap { [$0.sqlValue, seq.sqlValue] })
        }
    }

    private func searchPairs(
        _ folded: String, limit: Int, scanLimit: Int, fold: @escaping @Sendable (String) -> String
    ) async throws
        -> [String]
    {
        let runs = SearchText.runs(folded).filter { $0.count > 1 }
        return try await read { session in
            guard !runs.isEmpty else {
                // One character: the newest items, scanned.
                return try session.rows(
                    """
                    SELECT id FROM (SELECT id, seq, published_at, fetched_at, \(Self.displayColumns) FROM item
                                    ORDER BY seq DESC LIMIT ?) AS newest
                    WHERE strpos(shown_title, ?) > 0 OR strpos(shown_content, ?) > 0
                    ORDER BY coalesce(published_at, fetched_at) DESC, id LIMIT ?
                    """, [scanLimit.sqlValue, folded.sqlValue, folded.sqlValue, limit.sqlValue]
                ) { try $0.first(as: String.self) }
            }
            let pairs = Array(Set(runs.flatMap(SearchText.pairs)))
            let marks = Array(repeating: "?", count: pairs.count).joined(separator: ",")
            let wanted = runs.map { String($0) }
            var found: [String] = []
            var offset = 0
            let page = max(limit, 200)
            while found.count < limit {
                let candidates = try session.rows(
                    """
                    SELECT i.id, \(Self.displayColumns(of: "i")) FROM item i
                    JOIN (SELECT item_seq FROM search_pair WHERE pair IN (\(marks))
                          GROUP BY item_seq HAVING count(*) = ?) AS m ON m.item_seq = i.seq
                    ORDER BY coalesce(i.published_at, i.fetched_at) DESC, i.id LIMIT ? OFFSET ?
                    """, pairs.map(\.sqlValue) + [pairs.count.sqlValue, page.sqlValue, offset.sqlValue]
                ) { row in
                    (
                        id: try row("id", as: String.self),
                        text: fold(try row("shown_title", as: String.self)) + "\n" + fold(try row("shown_content", as: String.self))
                    )
                }
                for candidate in candidates {
                    let text = Array(candidate.text.lowercased())
                    if wanted.allSatisfy({ text.contains(subsequence: Array($0)) }) { found.append(candidate.id) }
                    if found.count == limit { break }
                }
                if candidates.count < page { break }
                offset += page
            }
            return found
        }
    }
}

extension Array where Element: Equatable {
    /// Whether `part` stands somewhere in this array, element after element.
    fileprivate func contains(subsequence part: [Element]) -> Bool {
        guard !part.isEmpty, part.count <= count else { return part.isEmpty }
        return (0...(count - part.count)).contains { start in self[start..<start + part.count].elementsEqual(part) }
    }
}
