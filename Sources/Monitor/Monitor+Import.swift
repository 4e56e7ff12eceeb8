import Foundation
import Ingest
import Logging
import Model
import Parallel
import Scoring
import Store

extension Monitor {
    /// Rejections as they are stored, printed and shown: a reason quotes the cell it
    /// refused, which may hold a phone, an ID or a bank card number (written in any
    /// grouping): masked as every display copy is.
    static func masked(_ rejections: [ImportRejection]) -> [ImportRejection] {
        rejections.map { rejection in
            var rejection = rejection
            rejection.reason = PersonalDataMasker.mask(rejection.reason)
            return rejection
        }
    }

    /// Imports a registry CSV (项目台账); bad rows are stored aside and returned.
    public func importRegistry(path: String) async throws -> ImportSummary {
        let file = URL(fileURLWithPath: path).lastPathComponent
        // Reading and parsing a city's registry is work for a Dispatch thread.
        let batch = try await Parallel.run { [self] in try RegistryImporter.read(try readData(path), file: file) }
        return logged(
            "registry imported", try await database.saveProjects(batch.records, rejections: Self.masked(batch.rejections), file: file), file
        )
    }

    /// Imports a department ledger CSV (欠薪问题台账); rows without 填报日期 count as filed `today`.
    public func importReports(path: String, today: Day) async throws -> ImportSummary {
        let file = URL(fileURLWithPath: path).lastPathComponent
        let known = try await database.projectIDs()
        let batch = try await Parallel.run { [self] in
            try ReportImporter.read(try readData(path), file: file, knownProjects: known, importedOn: today)
        }
        return logged(
            "reports imported", try await database.saveReports(batch.records, rejections: Self.masked(batch.rejections), file: file), file)
    }

    /// Imports the real-name platform's monthly export at `path`, each row matched to the
    /// registry: by the project id the platform gives, else by its name, contractor and
    /// township as the linker links a post (a link, not a candidate for review). A row that
    /// matches nothing is stored unmatched (`unmatchedPlatformRecords`), never dropped.
    /// - Parameter today: a month after today's is refused.
    public func importPlatform(path: String, today: Day) async throws -> ImportSummary {
        var summary: ImportSummary?
        try await importPlatform(paths: [path], today: today) { _, saved in summary = saved }
        // swift-format-ignore: NeverForceUnwrap
        // (the one file was saved, or the call threw)
        return summary!
    }

    /// Imports several monthly exports (a year's backlog) in the order given, each in a
    /// transaction of its own as `importPlatform(path:today:)` does: a file is read and
    /// matched while the one before it is stored. A file that cannot be read stops the
    /// import there, the files before it stored.
    /// - Parameter saved: called with each file's name and summary once it is stored.
    public func importPlatform(
        paths: [String], today: Day, saved: (String, ImportSummary) -> Void
    ) async throws {
        guard let first = paths.first else { return }
        let known = try await database.projectIDs()
        // Read and matched in turn, each file after the one before: the linker, made for
        // the first file whose rows need it, serves the next.
        @Sendable func prepare(
            _ path: String, engine: ScoringEngine?
        ) async throws
            -> (file: String, batch: ImportBatch<PlatformRecord>, engine: ScoringEngine?)
        {
            let file = URL(fileURLWithPath: path).lastPathComponent
            var batch = try await Parallel.run { [self] in
                try PlatformImporter.read(try readData(path), file: file, importedOn: today)
            }
            let byName = batch.records.contains { $0.projectID.map { !known.contains($0) } ?? true }
            var linker = engine
            if byName, linker == nil { linker = try await makeEngine() }
            let records = batch.records
            let matcher = byName ? linker : nil
            batch.records = await Parallel.run { Self.match(records, known: known, engine: matcher) }
            return (file, batch, linker)
        }
        var next = Task { try await prepare(first, engine: nil) }
        defer { next.cancel() }
        for index in paths.indices {
            let (file, batch, engine) = try await next.value
            if index + 1 < paths.count {
                let path = paths[index + 1]
                next = Task { try await prepare(path, engine: engine) }
            }
            let summary = try await database.savePlatformRecords(batch.records, rejections: Self.masked(batch.rejections), file: file)
            saved(file, logged("platform rows imported", summary, file))
        }
    }

    /// Each record with the registry project it belongs to, if any (`importPlatform`).
    static func match(_ records: [PlatformRecord], known: Set<String>, engine: ScoringEngine?) -> [PlatformRecord] {
        // A project recurs month after month under the same name: linked once.
        var linked: [String: String?] = [:]
        return records.map { record in
            var record = record
            if let id = record.projectID, known.contains(id) {
                record.matchedProjectID = id
                record.matchedBy = .id
                return record
            }
            guard let engine else { return record }
            let text = [record.projectName, record.contractor, record.township].compactMap { $0 }.joined(separator: "，")
            let project: String? =
                linked[text]
                ?? {
                    let verdict = engine.evaluate(
                        Item(
                            feedID: "platform", sourceKey: record.platformProjectID, kind: .post, channel: nil,
                            publishedAt: record.period.firstDay.start, title: record.projectName, content: text))
                    let found = verdict.link.flatMap { $0.band == .link ? $0.projectID : nil }
                    linked[text] = .some(found)
                    return found
                }()
            record.matchedProjectID = project
            record.matchedBy = project == nil ? nil : .name
            return record
        }
    }

    /// `summary`, once logged with what the import of `file` changed.
    private func logged(_ message: Logger.Message, _ summary: ImportSummary, _ file: String) -> ImportSummary {
        logger.info(
            message,
            metadata: [
                "file": "\(file)", "added": "\(summary.added)", "updated": "\(summary.updated)",
                "rejected": "\(summary.rejections.count)",
            ])
        return summary
    }
}
