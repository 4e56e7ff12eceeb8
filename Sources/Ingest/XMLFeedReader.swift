import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Model

/// A parser of one XML feed dialect (RSS, Atom).
public protocol XMLFeedParser: Sendable {
    var feed: FeedDefinition { get }
    /// Parses the document and says whether it had to be repaired first.
    func parseReporting(_ data: Data, contentType: String?) throws(IngestError) -> FeedParseResult
}

extension XMLFeedParser {
    /// The items of the document held in `data`.
    public func parse(_ data: Data, contentType: String? = nil) throws(IngestError) -> [Item] {
        try parseReporting(data, contentType: contentType).items
    }
}

/// A collector of feed entries that can say whether it saw the document's root, and
/// whether every element it opened was closed (a body cut short leaves some open).
protocol FeedCollector: XMLParserDelegate {
    var sawRoot: Bool { get }
    var isComplete: Bool { get }
}

/// Runs XMLParser over a prepared feed (see `XMLPreparation`), never resolving external entities.
enum XMLFeedReader {
    /// Feeds `data` to `collector`; returns whether the document had to be repaired
    /// first, and the encoding it was in.
    /// - Parameter root: what the document should be, for the message when it is something else.
    static func read(_ data: Data, feed: FeedDefinition, contentType: String?, into collector: some FeedCollector,
                     root: String) throws(IngestError) -> (isRecovered: Bool, isTruncated: Bool, encoding: String) {
        let prepared = try XMLPreparation.prepare(data, source: feed.id, contentType: contentType)
        // From a stream, XMLParser hands libxml2 the document a chunk at a time; given
        // the whole Data at once, libxml2 refuses documents over 10 MB ("huge input lookup").
        let parser = XMLParser(stream: InputStream(data: prepared.data))
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        guard parser.parse() else {
            let reason = parser.parserError.map { "not well-formed XML: \(Self.explain($0))" } ?? "not well-formed XML"
            throw .malformedDocument(source: feed.id, line: parser.lineNumber, column: parser.columnNumber, reason: reason)
        }
        guard collector.sawRoot else {
            throw .malformedDocument(source: feed.id, line: nil, reason: "expected \(root)")
        }
        // libxml2 reading from a stream takes an early end for the end of the document: the
        // items before the cut are read, and the feed is marked as cut short.
        let isTruncated = !collector.isComplete
        return (prepared.isRecovered || isTruncated, isTruncated, prepared.encoding)
    }

    /// What an XMLParser error means, in words. Foundation on Linux passes libxml2's own
    /// error numbers (xmlerror.h) and says only "NSXMLParserErrorDomain error 76".
    static func explain(_ error: Error) -> String {
        let code = (error as NSError).code
        let words: String? = switch code {
        case 4: "the document is empty"
        case 5, 86: "there is content after the end of the document"
        case 6, 7, 8: "a character reference (&#…;) that is not valid"
        case 9: "a character that XML does not allow"
        case 23: "an entity reference without its closing semicolon"
        case 26: "an entity (&name;) that is not defined"
        case 31: "an encoding the document declares but cannot be read in"
        case 34, 40: "an attribute value whose quote is not closed"
        case 38: "a < inside an attribute value"
        case 39, 41: "an attribute without a quoted value"
        case 42: "an attribute given twice in one tag"
        case 45, 80: "a comment that is not closed, or holds --"
        case 57: "an XML declaration that is not finished"
        case 63: "a CDATA section that is not closed"
        case 68: "a tag or attribute without a name"
        case 72, 73, 74, 77: "a tag that is not finished (a missing < or >)"
        case 76: "an end tag that does not match the element it closes"
        case 85: "elements that are not properly nested or closed"
        default: nil
        }
        return words.map { "\($0) (libxml2 error \(code))" } ?? "libxml2 error \(code)"
    }

    /// `link` made absolute against `base` (xml:base, the feed's home link or its
    /// URL); left as it is when it is absolute already or no web base is known.
    static func resolve(_ link: String?, against base: String?) -> String? {
        guard let link, !link.isEmpty else { return link }
        if let url = URL(string: link), url.scheme != nil { return link }
        // The base lends its scheme, host and path only: a user, a password or a query
        // token in a feed URL must not travel into stored item links.
        guard let base, var components = URLComponents(string: base),
              ["http", "https"].contains(components.scheme?.lowercased() ?? "") else { return link }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        guard let baseURL = components.url, let resolved = URL(string: link, relativeTo: baseURL) else { return link }
        return resolved.absoluteString
    }

    /// Keys as feeds give them, with a repeated key made unique (`key#2`) rather than merged.
    struct UniqueKeys {
        private var seen: [String: Int] = [:]

        mutating func unique(_ key: String) -> String {
            let count = seen[key, default: 0]
            seen[key] = count + 1
            return count > 0 ? "\(key)#\(count + 1)" : key
        }
    }
}
