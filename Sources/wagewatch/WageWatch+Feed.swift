import ArgumentParser
import Foundation
import Ingest
import Model
import Monitor
import Scoring

extension WageWatch {
    struct Feed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look at feeds the way wagewatch reads them.",
            subcommands: [Inspect.self])
    }
}

extension WageWatch.Feed {
    /// The tool an operator uses when a feed "shows nothing": what the body parses to.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what a feed file or URL parses to: format, encoding, repairs, title, and every entry.",
            discussion: "Personal data (names, phone and ID numbers) is masked in the output.")

        @Argument(help: "A file path, or an http(s):// or file:// URL.")
        var source: String

        @Option(
            name: .customLong("as"),
            help: "The feed format, when detection guesses wrong: \(FeedFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        var feedFormat: FeedFormat?

        @Option(help: "table or json.")
        var format: OutputFormat = .table

        enum OutputFormat: String, ExpressibleByArgument {
            case table, json
        }

        func run() async throws {
            let (data, contentType, url) = try await load()
            let shown = FeedDefinition.displayURL(source)
            guard let detected = feedFormat ?? FeedSniffer.format(of: data) else {
                throw InspectFailure(message: "\(shown): not a feed format wagewatch knows; name one with --as")
            }
            let kind: ItemKind = detected == .petitionNDJSON || detected == .petitionCSV ? .petition : .post
            let definition = FeedDefinition(id: "inspect", kind: kind, format: detected, url: url)
            let parsed: FeedParseResult
            do {
                parsed = try FeedParser.parse(data, feed: definition, contentType: contentType)
            } catch {
                throw InspectFailure(message: "\(shown): \(error)")
            }
            let report = InspectReport(
                source: shown, format: detected.rawValue, detected: feedFormat == nil,
                parsed: parsed)
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            case .table:
                print(report.text)
            }
        }

        /// The body, its Content-Type, and the URL it stands for.
        private func load() async throws -> (Data, String?, String) {
            let lowered = source.lowercased()
            if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
                let results = await Fetcher().fetch([FetchRequest(feedID: "inspect", url: source)])
                switch results["inspect"] {
                case .success(let response)?: return (response.body, response.contentType, source)
                case .failure(let error)?: throw InspectFailure(message: "\(FeedDefinition.displayURL(source)): \(error)")
                case nil: throw InspectFailure(message: "\(FeedDefinition.displayURL(source)): no answer")
                }
            }
            let file = lowered.hasPrefix("file://") ? URL(string: source) : URL(fileURLWithPath: source)
            guard let file else { throw InspectFailure(message: "\(FeedDefinition.displayURL(source)): not a file path or URL") }
            return (try Self.readCapped(file, limit: Fetcher.Limits().maxBodyBytes), nil, file.absoluteString)
        }

        /// A local feed file, refused past the fetcher's body cap (as a fetched body is), with
        /// a message that says why it cannot be read.
        static func readCapped(_ file: URL, limit: Int) throws -> Data {
            do {
                return try LocalFile.read(file.path, limit: limit)
            } catch {
                throw InspectFailure(message: error.description)
            }
        }
    }
}

/// Why `feed inspect` cannot read its source, said plainly (no usage text).
struct InspectFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// What `feed inspect` prints; every text field masked.
struct InspectReport: Encodable {
    struct Entry: Encodable {
        var key: String
        var title: String
        var link: String?
        var published: Date?
        var author: String?
        var text: String
    }

    struct Rejection: Encodable {
        var row: Int
        var field: String?
        var reason: String
    }

    var source: String
    var format: String
    var detected: Bool
    var encoding: String?
    var recovered: Bool
    var truncated: Bool
    var title: String?
    var link: String?
    var entries: [Entry]
    var rejected: [Rejection]

    init(source: String, format: String, detected: Bool, parsed: FeedParseResult) {
        self.source = source
        self.format = format
        self.detected = detected
        encoding = parsed.encoding
        recovered = parsed.isRecovered
        truncated = parsed.isTruncated
        title = parsed.title.map { PersonalDataMasker.mask($0) }
        link = parsed.link
        let variants = Monitor.nameVariants
        entries = parsed.items.map { item in
            let names = [item.petitioner, item.phone].compactMap { $0 }
            func masked(_ text: String) -> String { PersonalDataMasker.mask(text, names: names, variants: variants) }
            return Entry(
                key: item.sourceKey, title: masked(item.title), link: item.url,
                published: item.publishedAt, author: item.author.map(masked), text: masked(item.content))
        }
        rejected = parsed.rejections.map { Rejection(row: $0.row, field: $0.column, reason: $0.reason) }
    }

    private var recoveredText: String {
        if truncated { return "yes, the document ends before its root element closes: only whole entries are read" }
        return recovered ? "yes, the document had to be repaired (HTML entities, bare &, control characters, unreadable bytes)" : "no"
    }

    var text: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm xxx"
        var lines = [
            "source:    \(source)",
            "format:    \(format)\(detected ? " (detected)" : "")",
            "encoding:  \(encoding ?? "-")",
            "recovered: \(recoveredText)",
            "title:     \(title ?? "-")",
            "link:      \(link ?? "-")",
            "entries:   \(entries.count)\(rejected.isEmpty ? "" : ", \(rejected.count) records rejected")",
        ]
        for (index, entry) in entries.enumerated() {
            lines.append("")
            lines.append("[\(index + 1)] key:       \(entry.key)")
            lines.append("    title:     \(entry.title)")
            lines.append("    link:      \(entry.link ?? "-")")
            lines.append("    published: \(entry.published.map(formatter.string(from:)) ?? "- (no date, or one that could not be read)")")
            lines.append("    author:    \(entry.author ?? "-")")
            let text = entry.text.replacingOccurrences(of: "\n", with: " ⏎ ")
            lines.append("    text:      \(text.count > 300 ? String(text.prefix(300)) + " …" : text)")
        }
        for rejection in rejected {
            lines.append("rejected record \(rejection.row)\(rejection.field.map { ", field \($0)" } ?? ""): \(rejection.reason)")
        }
        // Feed text is untrusted: no control character reaches the terminal (escape sequences).
        return lines.map { line in
            String(String.UnicodeScalarView(line.unicodeScalars.filter { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) }))
        }.joined(separator: "\n")
    }
}

extension FeedFormat: ExpressibleByArgument {}
