import Foundation
import Model

/// Reads online posts exported one JSON object a line (docs/FORMATS.md, "Online posts (post NDJSON)"):
/// `id, platform, url, author, published_at, title, content, reposts, comments, likes, location`.
public struct PostRecordParser: Sendable {
    public var feed: FeedDefinition

    public init(feed: FeedDefinition) {
        self.feed = feed
    }

    /// Parses the NDJSON text; bad lines are kept aside with their line number and field.
    public func parse(_ text: String) -> FeedParseResult {
        var result = FeedParseResult()
        // Lines split on the UTF-8 bytes: a feed file holds tens of thousands of them.
        for (offset, bytes) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let isBlank = bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
            guard !isBlank else { continue }
            // Flat objects are read from their bytes; anything else by JSONSerialization.
            let flat = bytes.withContiguousStorageIfAvailable { FlatJSONObject($0) } ?? nil
            let object = flat == nil ? try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] : nil
            guard flat != nil || object != nil else {
                result.rejections.append(ImportRejection(file: feed.id, row: offset + 1, column: nil, reason: "不是 JSON 对象"))
                continue
            }
            func rawValue(_ key: String) -> String? {
                if let flat { return flat[key] ?? nil }
                guard let value = object?[key], !(value is NSNull) else { return nil }
                return (value as? String) ?? "\(value)"
            }
            func string(_ key: String) -> String? {
                guard var text = rawValue(key) else { return nil }
                // Trimmed only when an end is blank (Foundation's trimming walks the whole text).
                if text.first?.isWhitespace == true || text.last?.isWhitespace == true {
                    text = text.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                return text.isEmpty ? nil : text
            }
            guard let id = string("id") else {
                result.rejections.append(
                    ImportRejection(file: feed.id, row: offset + 1, column: "id", reason: "缺少必填字段 id"))
                continue
            }
            guard let content = string("content") ?? string("title") else {
                result.rejections.append(
                    ImportRejection(file: feed.id, row: offset + 1, column: "content", reason: "该帖子既无正文也无标题"))
                continue
            }
            var publishedAt: Date?
            if let published = string("published_at") {
                guard let date = DateParsing.date(from: published) else {
                    result.rejections.append(
                        ImportRejection(
                            file: feed.id, row: offset + 1, column: "published_at",
                            reason: "时间应写作 RFC 3339 或 YYYY-MM-DD HH:MM[:SS] 格式，实际为 \(ClerkText.quote(published))"))
                    continue
                }
                publishedAt = date
            }
            result.items.append(
                Item(
                    feedID: feed.id, sourceKey: id, kind: .post, channel: string("platform") ?? feed.channel,
                    url: string("url"), author: string("author"), publishedAt: publishedAt,
                    title: string("title") ?? "", content: content, location: string("location")))
        }
        return result
    }
}
