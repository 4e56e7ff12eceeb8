import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
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
        let delegate = RSSCollector()
        let isRecovered = try XMLFeedReader.read(data, feed: feed, contentType: contentType, into: delegate, root: "an <rss> document")
        var keys = XMLFeedReader.UniqueKeys()
        return FeedParseResult(items: delegate.entries.map { entry in
            let text = HTMLText.plainText(from: entry["content:encoded"] ?? entry["description"] ?? "")
            let title = HTMLText.plainText(from: entry["title"] ?? "")
            // A key repeated within one feed is made unique, not merged.
            let key = keys.unique(entry["guid"] ?? entry["link"] ?? StableHash.hex(of: title + "\n" + text))
            return Item(
                feedID: feed.id, sourceKey: key, kind: feed.kind, channel: feed.channel,
                url: entry["link"], author: entry["dc:creator"] ?? entry["author"],
                publishedAt: (entry["pubDate"] ?? entry["dc:date"]).flatMap(DateParsing.date(from:)),
                title: title, content: text)
        }, isRecovered: isRecovered)
    }
}

/// Collects the text of each `<item>`'s child elements.
private final class RSSCollector: NSObject, FeedCollector {
    private static let fields: Set<String> = [
        "title", "link", "guid", "pubDate", "description", "content:encoded", "author", "dc:creator", "dc:date",
    ]
    var entries: [[String: String]] = []
    var sawRoot = false
    private var current: [String: String]?
    private var field: String?
    private var buffer = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if elementName == "rss" || elementName == "rdf:RDF" { sawRoot = true }
        if elementName == "item" {
            current = [:]
        } else if current != nil, field == nil, Self.fields.contains(elementName) {
            field = elementName
            buffer = ""
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if field != nil { buffer += string }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if field != nil { buffer += String(decoding: CDATABlock, as: UTF8.self) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == field {
            let value = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty { current?[elementName] = value }
            field = nil
        } else if elementName == "item", let entry = current {
            entries.append(entry)
            current = nil
        }
    }
}
