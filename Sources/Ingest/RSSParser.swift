import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Model

/// Reads RSS 2.0 documents into items.
///
/// External entities are never resolved. The item key is the guid, else the
/// link, else a hash of title and text.
public struct RSSParser: Sendable {
    public var feed: FeedDefinition

    public init(feed: FeedDefinition) {
        self.feed = feed
    }

    /// Parses an RSS document held in `data`.
    public func parse(_ data: Data, contentType: String? = nil) throws(IngestError) -> [Item] {
        try parseReporting(data, contentType: contentType).items
    }

    /// Parses the document and says whether it had to be repaired first.
    public func parseReporting(_ data: Data, contentType: String? = nil) throws(IngestError) -> FeedParseResult {
        let prepared = try XMLPreparation.prepare(data, source: feed.id, contentType: contentType)
        let data = prepared.data
        let delegate = RSSCollector()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse() else {
            let reason = parser.parserError.map { "not well-formed XML (\($0.localizedDescription))" } ?? "not well-formed XML"
            throw .malformedDocument(source: feed.id, line: parser.lineNumber, reason: reason)
        }
        guard delegate.sawRoot else {
            throw .malformedDocument(source: feed.id, line: nil, reason: "expected an <rss> document")
        }
        var seenKeys: [String: Int] = [:]
        return FeedParseResult(items: delegate.entries.map { entry in
            let text = HTMLText.plainText(from: entry["content:encoded"] ?? entry["description"] ?? "")
            let title = HTMLText.plainText(from: entry["title"] ?? "")
            var key = entry["guid"] ?? entry["link"] ?? StableHash.hex(of: title + "\n" + text)
            // A guid repeated within one feed is made unique, not merged.
            let seen = seenKeys[key, default: 0]
            seenKeys[key] = seen + 1
            if seen > 0 { key += "#\(seen + 1)" }
            return Item(
                feedID: feed.id, sourceKey: key, kind: feed.kind, channel: feed.channel,
                url: entry["link"], author: entry["dc:creator"] ?? entry["author"],
                publishedAt: (entry["pubDate"] ?? entry["dc:date"]).flatMap(DateParsing.date(from:)),
                title: title, content: text)
        }, isRecovered: prepared.isRecovered)
    }
}

/// Collects the text of each `<item>`'s child elements.
private final class RSSCollector: NSObject, XMLParserDelegate {
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
