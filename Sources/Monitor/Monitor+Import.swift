import Foundation
import Ingest
import Logging
import Model
import Parallel
import Store

extension Monitor {
    /// Imports a registry CSV (项目台账); bad rows are stored aside and returned.
    public func importRegistry(path: String) async throws -> ImportSummary {
        let file = URL(fileURLWithPath: path).lastPathComponent
        // Reading and parsing a city's registry is work for a Dispatch thread.
        let batch = try await Parallel.run { [self] in try RegistryImporter.read(try readData(path), file: file) }
        return logged("registry imported", try await database.saveProjects(batch.records, rejections: batch.rejections, file: file), file)
    }

    /// Imports a department ledger CSV (欠薪问题台账); rows without 填报日期 count as filed `today`.
    public func importReports(path: String, today: Day) async throws -> ImportSummary {
        let file = URL(fileURLWithPath: path).lastPathComponent
        let known = Set(try await database.projects().map(\.id))
        let batch = try await Parallel.run { [self] in
            try ReportImporter.read(try readData(path), file: file, knownProjects: known, importedOn: today)
        }
        return logged("reports imported", try await database.saveReports(batch.records, rejections: batch.rejections, file: file), file)
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
