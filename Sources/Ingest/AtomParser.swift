import Foundation
import Model

/// Reads Atom 1.0 and 0.3 documents into items.
///
/// External entities are never resolved. The item key is the entry's id, else
/// its alternate link, else a hash of title and text.
public struct AtomParser: XMLFeedParser {
    public var feed: FeedDefinition

    public init(feed: FeedDefinition) {
        self.feed = feed
    }

    /// Parses the document and says whether it had to be repaired first.
    public func parseReporting(_ data: Data, contentType: String? = nil) throws(IngestError) -> FeedParseResult {
        let read = try XMLFeedReader.read(
            data, feed: feed, contentType: contentType, makeCollector: { AtomCollector(base: feed.url) },
            root: "Atom 文档（根元素 <feed>）")
        let collector = read.collector
        var keys = XMLFeedReader.UniqueKeys()
        return FeedParseResult(
            items: collector.entries.map { entry in
                let body = entry.fields["content"] ?? entry.fields["summary"] ?? ""
                let text = entry.isHTML ? HTMLToText.plainText(body) : body
                let rawTitle = entry.fields["title"] ?? ""
                let title = entry.titleIsHTML ? HTMLToText.plainText(rawTitle) : rawTitle
                // A key repeated within one feed is made unique, not merged.
                let key = keys.unique(entry.fields["id"] ?? entry.link ?? StableHash.hex(of: title + "\n" + text))
                let date = entry.fields["published"] ?? entry.fields["issued"] ?? entry.fields["updated"] ?? entry.fields["modified"]
                return Item(
                    feedID: feed.id, sourceKey: key, kind: feed.kind, channel: feed.channel, url: entry.link,
                    author: entry.fields["name"], publishedAt: date.flatMap(DateParsing.date(from:)),
                    title: title, content: text)
            }, isRecovered: read.isRecovered, isTruncated: read.isTruncated, encoding: read.encoding,
            title: collector.feedTitle.map { HTMLToText.plainText($0) }, link: collector.feedLink)
    }
}

/// Collects each `<entry>`'s fields, its alternate link and whether its content is HTML.
private final class AtomCollector: FeedCollector {
    struct Entry {
        var fields: [String: String] = [:]
        var link: String?
        var isHTML = false
        /// The title's `type` is html: its text is markup to read; otherwise (text, xhtml)
        /// it is the text itself, not decoded a second time.
        var titleIsHTML = false
    }

    private static let fields: Set<String> = [
        "id", "title", "content", "summary", "published", "updated", "issued", "modified", "name",
    ]
    var entries: [Entry] = []
    var sawRoot = false
    var isComplete: Bool { sawRoot && bases.count == 1 }
    /// The feed's own title and alternate link.
    var feedTitle: String?
    var feedLink: String?
    private var current: Entry?
    private var field: String?
    private var depth = 0
    private var buffer = ""
    /// The base URI in effect at each open element: xml:base, resolved against the one outside it.
    private var bases: [String?]
    private var readingFeedTitle = false
    /// The local names of the open elements, and how deep the open `<entry>` is: only its
    /// own children are its fields, and only its own `<author>` names it (a `<source>`, a
    /// `<contributor>` inside it has an id, title, date, link or name of its own).
    private var names: [String] = []
    private var entryDepth = 0
    /// Inside XHTML content, the depth of an open `<script>` or `<style>`, whose text is
    /// no part of what the entry says.
    private var skippedDepth: Int?

    init(base: String) {
        bases = [base]
    }

    func start(_ elementName: String, attributes: [String: String]) {
        let base = bases.last ?? nil
        bases.append(attributes["xml:base"].flatMap { XMLFeedReader.resolve($0, against: base) } ?? base)
        let name = elementName.split(separator: ":").last.map(String.init) ?? elementName
        names.append(name)
        if name == "feed" { sawRoot = true }
        if name == "entry", current == nil {
            current = Entry()
            entryDepth = names.count
            return
        }
        guard current != nil else {
            // The feed's own title and link, children of <feed>.
            if bases.count == 3, name == "title", feedTitle == nil {
                readingFeedTitle = true
                buffer = ""
            } else if bases.count == 3, name == "link", (attributes["rel"] ?? "alternate") == "alternate", feedLink == nil {
                feedLink = XMLFeedReader.resolve(attributes["href"], against: bases.last ?? nil)
            }
            return
        }
        if field != nil {
            // Markup inside XHTML content: keep its text, mark block ends as breaks.
            depth += 1
            if ["p", "br", "div", "li"].contains(name) { buffer += "\n" }
            if skippedDepth == nil, name == "script" || name == "style" { skippedDepth = depth }
            return
        }
        let isOwnChild = names.count == entryDepth + 1
        let isAuthorsName = name == "name" && names.count == entryDepth + 2 && names[entryDepth] == "author"
        guard name == "name" ? isAuthorsName : isOwnChild else { return }
        if name == "link" {
            let relation = attributes["rel"] ?? "alternate"
            if relation == "alternate", let href = attributes["href"], current?.link == nil {
                current?.link = XMLFeedReader.resolve(href, against: bases.last ?? nil)
            }
        } else if Self.fields.contains(name), current?.fields[name] == nil {
            field = name
            buffer = ""
            depth = 0
            let type = attributes["type"] ?? "text"
            let isHTML = type == "html" || type == "text/html" || attributes["mode"] == "escaped"
            if name == "content" || name == "summary", isHTML { current?.isHTML = true }
            if name == "title", isHTML { current?.titleIsHTML = true }
        }
    }

    func text(_ string: String) {
        if (field != nil && skippedDepth == nil) || readingFeedTitle { buffer += string }
    }

    func end(_ elementName: String) {
        bases.removeLast()
        if !names.isEmpty { names.removeLast() }
        let name = elementName.split(separator: ":").last.map(String.init) ?? elementName
        if readingFeedTitle, name == "title" {
            let value = buffer.trimmingSpaces
            if !value.isEmpty { feedTitle = value }
            readingFeedTitle = false
            return
        }
        if let open = field {
            if depth > 0 {
                if depth == skippedDepth { skippedDepth = nil }
                depth -= 1
                return
            }
            if name == open {
                let value = buffer.trimmingSpaces
                if !value.isEmpty { current?.fields[open] = value }
                field = nil
            }
        } else if name == "entry", names.count + 1 == entryDepth, let entry = current {
            entries.append(entry)
            current = nil
        }
    }
}
