import Foundation
import Model

/// Reads RSS 0.9x, 1.0 (RDF) and 2.0 documents into items.
///
/// External entities are never resolved. The item key is the guid, else the
/// link, else a hash of title and text.
public struct RSSParser: XMLFeedParser {
    public var feed: FeedDefinition

    public init(feed: FeedDefinition) {
        self.feed = feed
    }

    /// Parses the document and says whether it had to be repaired first.
    public func parseReporting(_ data: Data, contentType: String? = nil) throws(IngestError) -> FeedParseResult {
        let read = try XMLFeedReader.read(
            data, feed: feed, contentType: contentType, makeCollector: RSSCollector.init,
            root: "RSS 文档（根元素 <rss>）")
        let delegate = read.collector
        var keys = XMLFeedReader.UniqueKeys()
        // Relative item links point into the site the channel names, else next to the feed itself.
        let base = XMLFeedReader.resolve(delegate.channelLink, against: feed.url) ?? feed.url
        var result = FeedParseResult(
            items: delegate.entries.map { entry in
                let text = HTMLToText.plainText(entry["content:encoded"] ?? entry["description"] ?? "")
                let title = HTMLToText.plainText(entry["title"] ?? "")
                // A key repeated within one feed is made unique, not merged.
                let key = keys.unique(entry["guid"] ?? entry["link"] ?? StableHash.hex(of: title + "\n" + text))
                return Item(
                    feedID: feed.id, sourceKey: key, kind: feed.kind, channel: feed.channel,
                    url: XMLFeedReader.resolve(entry["link"], against: base), author: entry["dc:creator"] ?? entry["author"],
                    publishedAt: (entry["pubDate"] ?? entry["dc:date"]).flatMap(DateParsing.date(from:)),
                    title: title, content: text)
            }, isRecovered: read.isRecovered, isTruncated: read.isTruncated, encoding: read.encoding,
            title: delegate.channelTitle.map { HTMLToText.plainText($0) },
            link: XMLFeedReader.resolve(delegate.channelLink, against: feed.url))
        if let text = delegate.channelTTL, let minutes = Int(text), minutes > 0 {
            result.ttl = TimeInterval(minutes) * 60
        }
        return result
    }
}

/// Collects the text of each `<item>`'s child elements.
private final class RSSCollector: FeedCollector {
    private static let fields: Set<String> = [
        "title", "link", "guid", "pubDate", "description", "content:encoded", "author", "dc:creator", "dc:date",
    ]
    var entries: [[String: String]] = []
    var sawRoot = false
    var isComplete: Bool { sawRoot && path.isEmpty }
    /// The channel's own `<title>` and `<link>`.
    var channelTitle: String?
    var channelLink: String?
    /// The channel's `<ttl>`, minutes to wait before asking again.
    var channelTTL: String?
    private var current: [String: String]?
    private var field: String?
    private var buffer = ""
    private var path: [String] = []
    /// How deep the open `<item>` is: only its own children are its fields (an `<image>` or
    /// `<source>` inside it has a title and link of its own).
    private var itemDepth = 0

    func start(_ elementName: String, attributes: [String: String]) {
        path.append(elementName)
        if elementName == "rss" || elementName == "rdf:RDF" { sawRoot = true }
        if elementName == "item", current == nil {
            current = [:]
            itemDepth = path.count
        } else if current != nil, field == nil, path.count == itemDepth + 1, Self.fields.contains(elementName) {
            field = elementName
            buffer = ""
        } else if current == nil, field == nil, path.count == 3, path[1] == "channel",
            elementName == "title" || elementName == "link" || elementName == "ttl"
        {
            field = elementName
            buffer = ""
        }
    }

    func text(_ string: String) {
        if field != nil { buffer += string }
    }

    func end(_ elementName: String) {
        defer { path.removeLast() }
        if elementName == field {
            let value = buffer.trimmingSpaces
            if current == nil {
                if elementName == "title", channelTitle == nil, !value.isEmpty { channelTitle = value }
                if elementName == "link", channelLink == nil, !value.isEmpty { channelLink = value }
                if elementName == "ttl", channelTTL == nil, !value.isEmpty { channelTTL = value }
            } else if !value.isEmpty {
                current?[elementName] = value
            }
            field = nil
        } else if elementName == "item", path.count == itemDepth, let entry = current {
            entries.append(entry)
            current = nil
        }
    }
}
