import Foundation
import Model
import Yams

/// The feeds of a deployment, read from every `*.yaml` file of one folder.
///
/// A file holds a list under `feeds:`; see `feeds/demo.yaml` for the fields.
/// A relative `file:` URL is resolved against the folder of the file that
/// names it, so a catalog can ship with its own local exports.
public struct FeedCatalog: Sendable {
    public var feeds: [FeedDefinition]

    public init(feeds: [FeedDefinition]) {
        self.feeds = feeds
    }

    /// Loads all `*.yaml` files directly inside `directory`, in name order.
    public static func load(directory: URL) throws(IngestError) -> FeedCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadableFile(path: directory.path, reason: "无法列出数据源配置文件夹中的文件")
        }
        var feeds: [FeedDefinition] = []
        var origin: [String: String] = [:]
        // alerts.yaml beside the feeds is the alerts' file (channels and subscriptions), not a catalog.
        for name in names.sorted() where (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && !Self.alertsFiles.contains(name) {
            let file = directory.appendingPathComponent(name)
            for (feed, line) in try parse(file: file) {
                let place = "\(name) 第 \(line) 行"
                if let first = origin[feed.id] {
                    throw .duplicateFeed(id: feed.id, files: [first, place])
                }
                origin[feed.id] = place
                feeds.append(feed)
            }
        }
        return FeedCatalog(feeds: feeds)
    }

    /// The names of the alerts' file, which the feeds folder holds too.
    public static let alertsFiles: Set<String> = ["alerts.yaml", "alerts.yml"]

    private struct CatalogFile: Decodable {
        var feeds: [FeedSpec]
        /// Folders besides the catalog's own that its `file:` URLs may read.
        var fileRoots: [String]?

        enum CodingKeys: String, CodingKey {
            case feeds
            case fileRoots = "file_roots"
        }
    }

    /// Parses one catalog file and resolves its relative `file:` URLs.
    /// - Returns: each feed with the line its entry starts on.
    static func parse(file: URL) throws(IngestError) -> [(feed: FeedDefinition, line: Int)] {
        let text: String
        do {
            text = try TextDecoding.decode(try LocalFile.read(file.path, limit: 16 * 1024 * 1024), source: file.lastPathComponent)
        } catch let error as IngestError {
            throw error
        } catch let error as LocalFile.Unreadable {
            throw .unreadableFile(path: file.path, reason: error.reason)
        } catch {
            throw .unreadableFile(path: file.path, reason: "无法读取")
        }
        let lines = try checkFields(text, file: file.lastPathComponent)
        func place(_ index: Int) -> String { index < lines.count ? "第 \(lines[index]) 行：" : "" }
        let parsed: CatalogFile
        do {
            parsed = try YAMLDecoder().decode(CatalogFile.self, from: text)
        } catch let error as DecodingError {
            // The feed the field belongs to (feeds[2].headers): its line.
            let context: DecodingError.Context? =
                switch error {
                case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
                    .dataCorrupted(let context):
                    context
                @unknown default: nil
                }
            let index = context?.codingPath.dropFirst().first?.intValue
            throw .badCatalog(file: file.lastPathComponent, reason: (index.map(place) ?? "") + error.clerkDescription)
        } catch {
            throw .badCatalog(file: file.lastPathComponent, reason: "无法解析：\(error)")
        }
        let base = file.deletingLastPathComponent()
        let roots = [base] + (parsed.fileRoots ?? []).map { URL(fileURLWithPath: $0, relativeTo: base) }
        return try parsed.feeds.enumerated().map { index, spec throws(IngestError) in
            var feed = spec.definition
            feed.url = try resolve(url: feed.url, feed: feed.id, base: base)
            if let outside = outsideRoots(feed.url, roots: roots) {
                throw .badCatalog(
                    file: file.lastPathComponent,
                    reason:
                        "\(place(index))数据源 \(feed.id)：\(outside) 在数据源配置文件夹之外；如确需读取，请将其所在文件夹列入 file_roots:"
                )
            }
            if let text = spec.interval {
                guard let seconds = interval(text), seconds.isFinite, seconds >= 1, seconds <= 7 * 86_400 else {
                    throw .badCatalog(
                        file: file.lastPathComponent,
                        reason:
                            "\(place(index))数据源 \(feed.id)：抓取间隔 interval \"\(text)\" 不是 1s 至 7d 之间的时长，应写作 90s、15m、2h 或 1d 这样的形式"
                    )
                }
                feed.interval = seconds
            }
            return (feed, index < lines.count ? lines[index] : 0)
        }
    }

    static let feedFields = ["id", "kind", "format", "url", "channel", "interval", "headers"]
    static let requiredFields = ["id", "kind", "format", "url"]

    /// Refuses a field the catalog does not know (a misspelt `hedaers:` would silently send
    /// no cookie), a missing one and an empty id, naming line and column, as the rules files do.
    /// - Returns: the line each feed's entry starts on, in order.
    @discardableResult
    static func checkFields(_ text: String, file: String) throws(IngestError) -> [Int] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw .badCatalog(file: file, reason: "不是有效的 YAML：\(error)")
        }
        func place(_ node: Node) -> String {
            node.mark.map { "第 \($0.line) 行第 \($0.column) 列：" } ?? ""
        }
        guard let root else { return [] }
        var lines: [Int] = []
        guard let mapping = root.mapping else {
            throw .badCatalog(file: file, reason: "\(place(root))应为 feeds:，其下逐项列出数据源")
        }
        for (key, value) in mapping {
            guard key.string == "feeds" || key.string == "file_roots" else {
                throw .badCatalog(file: file, reason: "\(place(key))无法识别的字段 \(key.string ?? "?")，应为 feeds 或 file_roots")
            }
            guard key.string == "feeds" else { continue }
            for feed in value.sequence ?? [] {
                lines.append(feed.mark?.line ?? 0)
                guard let fields = feed.mapping else {
                    throw .badCatalog(file: file, reason: "\(place(feed))此处应为一个数据源，含 \(requiredFields.joined(separator: "、")) 字段")
                }
                let present = Set(fields.keys.compactMap(\.string))
                if let missing = requiredFields.first(where: { !present.contains($0) }) {
                    throw .badCatalog(
                        file: file,
                        reason:
                            "\(place(feed))此数据源缺少 \(missing): 字段（每个数据源都须有 \(requiredFields.joined(separator: "、")) 字段）")
                }
                for (field, fieldValue) in fields {
                    let name = field.string ?? ""
                    guard feedFields.contains(name) else {
                        throw .badCatalog(
                            file: file,
                            reason: "\(place(field))无法识别的字段 \(name)，应为 \(feedFields.joined(separator: "、")) 之一")
                    }
                    if name == "id", (fieldValue.string ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                        throw .badCatalog(file: file, reason: "\(place(fieldValue))数据源的 id 不得为空")
                    }
                    // A value from a fixed list is checked here, where its place is known, and
                    // the message lists what it may be.
                    let choices: [String]? =
                        switch name {
                        case "format": FeedFormat.allCases.map(\.rawValue)
                        case "kind": ItemKind.allCases.map(\.rawValue)
                        default: nil
                        }
                    if let choices, let value = fieldValue.string, !choices.contains(value) {
                        throw .badCatalog(
                            file: file,
                            reason: "\(place(fieldValue))无法识别的 \(name) 取值 \(value)，应为 \(choices.joined(separator: "、")) 之一")
                    }
                }
            }
        }
        return lines
    }

    /// The path of a `file:` URL that lies outside every one of `roots` (after `..` and
    /// symbolic links are resolved), or nil when it lies inside one or is not a file URL.
    /// A catalog cannot make the process read `/etc/shadow` or another user's files.
    static func outsideRoots(_ url: String, roots: [URL]) -> String? {
        guard url.lowercased().hasPrefix("file:"), let fileURL = URL(string: url), fileURL.isFileURL else { return nil }
        let target = fileURL.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        for root in roots {
            let folder = root.standardizedFileURL.resolvingSymlinksInPath().pathComponents
            if target.count > folder.count, Array(target.prefix(folder.count)) == folder { return nil }
        }
        return fileURL.path
    }

    /// A duration written `90s`, `15m`, `2h`, `1d` or a number of seconds.
    static func interval(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let last = trimmed.last, let unit = units[last] {
            return Double(trimmed.dropLast()).map { $0 * unit }
        }
        return Double(trimmed)
    }

    static func resolve(url: String, feed: String, base: URL) throws(IngestError) -> String {
        if url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("file:///") {
            return url
        }
        if url.hasPrefix("file:") {
            let path = String(url.dropFirst("file:".count))
            return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.absoluteString
        }
        throw .unsupportedURL(feed: feed, url: url)
    }
}

/// One feed as written in a catalog file.
private struct FeedSpec: Decodable {
    var id: String
    var kind: ItemKind
    var format: FeedFormat
    var url: String
    var headers: [String: String]?
    var channel: String?
    var interval: String?

    var definition: FeedDefinition {
        FeedDefinition(id: id, kind: kind, format: format, url: url, headers: headers ?? [:], channel: channel)
    }
}
