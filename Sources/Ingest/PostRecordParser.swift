import Foundation
import Model

/// Reads online posts exported one JSON object a line (spec section 4):
/// `id, platform, url, author, published_at, title, content, reposts, comments, likes, location`.
public struct PostRecordParser: Sendable {
    public var feed: FeedDefinition

    public init(feed: FeedDefinition) {
        self.feed = feed
    }

    /// Parses the NDJSON text; bad lines are kept aside with their line number and field.
    public func parse(_ text: String) -> FeedParseResult {
        var result = FeedParseResult()
        for (offset, scalars) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Substring(scalars).trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            guard !line.isEmpty else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                result.rejections.append(ImportRejection(file: feed.id, row: offset + 1, column: nil, reason: "not a JSON object"))
                continue
            }
            func string(_ key: String) -> String? {
                guard let value = object[key], !(value is NSNull) else { return nil }
                let text = ((value as? String) ?? "\(value)").trimmingCharacters(in: .whitespacesAndNewlines)
                return text.isEmpty ? nil : text
            }
            guard let id = string("id") else {
                result.rejections.append(ImportRejection(file: feed.id, row: offset + 1, column: "id", reason: "required field id is missing"))
                continue
            }
            guard let content = string("content") ?? string("title") else {
                result.rejections.append(ImportRejection(file: feed.id, row: offset + 1, column: "content", reason: "the post has neither content nor title"))
                continue
            }
            var publishedAt: Date?
            if let published = string("published_at") {
                guard let date = DateParsing.date(from: published) else {
                    result.rejections.append(ImportRejection(
                        file: feed.id, row: offset + 1, column: "published_at",
                        reason: "expected RFC 3339 or YYYY-MM-DD HH:MM[:SS], found \(ClerkText.quote(published))"))
                    continue
                }
                publishedAt = date
            }
            result.items.append(Item(
                feedID: feed.id, sourceKey: id, kind: .post, channel: string("platform") ?? feed.channel,
                url: string("url"), author: string("author"), publishedAt: publishedAt,
                title: string("title") ?? "", content: content, location: string("location")))
        }
        return result
    }
}
