import Foundation
import Model

/// Reads JSON Feed 1.0 and 1.1 documents into items.
public struct JSONFeedParser: Sendable {
    public var feed: FeedDefinition

    public init(feed: FeedDefinition) {
        self.feed = feed
    }

    /// Parses a JSON Feed held in `data`; items without id, url or text are kept aside by position.
    public func parse(_ data: Data, declaredCharset: String? = nil) throws(IngestError) -> FeedParseResult {
        let (text, encoding, isRepaired) = try TextDecoding.decodeRepairing(data, source: feed.id, declaredCharset: declaredCharset)
        guard let root = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let version = root["version"] as? String, version.hasPrefix("https://jsonfeed.org/version/")
        else {
            throw .malformedDocument(
                source: feed.id, line: nil, reason: "应为 JSON Feed 文档（version 为 https://jsonfeed.org/version/1.x 的 JSON 对象）")
        }
        guard let entries = root["items"] as? [[String: Any]] else {
            throw .malformedDocument(source: feed.id, line: nil, reason: "JSON Feed 缺少 items 列表")
        }
        let home = root["home_page_url"] as? String
        var result = FeedParseResult(
            isRecovered: isRepaired, encoding: encoding, title: (root["title"] as? String).map { HTMLToText.plainText($0) },
            link: XMLFeedReader.resolve(home, against: feed.url))
        var keys = XMLFeedReader.UniqueKeys()
        for (index, entry) in entries.enumerated() {
            let html = entry["content_html"] as? String
            let content = html.map { HTMLToText.plainText($0) } ?? (entry["content_text"] as? String) ?? (entry["summary"] as? String) ?? ""
            let title = HTMLToText.plainText(entry["title"] as? String ?? "")
            guard !content.isEmpty || !title.isEmpty else {
                result.rejections.append(
                    ImportRejection(
                        file: feed.id, row: index + 1, column: "content_text",
                        reason: "第 \(index + 1) 条既无标题也无正文"))
                continue
            }
            let identifier = (entry["id"] as? String) ?? (entry["id"] as? NSNumber).map { "\($0)" }
            let key = keys.unique(identifier ?? (entry["url"] as? String) ?? StableHash.hex(of: title + "\n" + content))
            let authors = (entry["authors"] as? [[String: Any]]) ?? ((entry["author"] as? [String: Any]).map { [$0] } ?? [])
            result.items.append(
                Item(
                    feedID: feed.id, sourceKey: key, kind: feed.kind, channel: feed.channel,
                    url: XMLFeedReader.resolve(entry["url"] as? String, against: home ?? feed.url),
                    author: authors.first?["name"] as? String,
                    publishedAt: ((entry["date_published"] ?? entry["date_modified"]) as? String).flatMap(DateParsing.date(from:)),
                    title: title, content: content))
        }
        return result
    }
}
