import CLibXML2
import Foundation
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

/// A collector of feed entries: it hears the document's elements and text in order,
/// and can say whether it saw the document's root, and whether every element it opened
/// was closed (a body cut short leaves some open).
protocol FeedCollector: AnyObject {
    var sawRoot: Bool { get }
    var isComplete: Bool { get }
    /// An element opens; `name` is as written, prefix and all (content:encoded).
    func start(_ name: String, attributes: [String: String])
    /// Text or CDATA inside the open element.
    func text(_ string: String)
    func end(_ name: String)
}

/// Reads a prepared feed (see `XMLPreparation`) with libxml2: its pull reader as the
/// document streams, and its recovering parser when the reader stops at an error. What
/// is readable of a document that breaks the rules (a tag closed in the wrong order, a
/// stray `<`, a body cut short) is read, and the feed is marked recovered. No entity is
/// substituted and nothing is fetched from the network.
enum XMLFeedReader {
    /// Reads `data` into a collector `makeCollector` gives; returns it, whether the
    /// document had to be repaired first, whether it was cut short, and its encoding.
    ///
    /// libxml2's pull reader reads the document as it streams. Where it meets an error
    /// before the end, libxml2's recovering parser reads the whole document again and
    /// keeps what can be read; an error at the very end (a body cut short, a last
    /// `</rss` with no `>`) keeps what the reader read, and marks the feed as cut short.
    /// - Parameter root: what the document should be, for the message when it is something else.
    static func read<Collector: FeedCollector>(
        _ data: Data, feed: FeedDefinition, contentType: String?, makeCollector: () -> Collector, root: String
    ) throws(IngestError) -> (collector: Collector, isRecovered: Bool, isTruncated: Bool, encoding: String) {
        let prepared = try XMLPreparation.prepare(data, source: feed.id, contentType: contentType)
        guard prepared.data.count < Int(Int32.max) else {
            throw .malformedDocument(source: feed.id, line: nil, reason: "文档超过 2 GB，无法读取")
        }
        _ = initialized
        let errors = ErrorLog()
        var collector = makeCollector()
        var stoppedEarly = false
        prepared.data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0,
                let reader = xmlReaderForMemory(base.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, "UTF-8", options)
            else { return }
            defer { xmlFreeTextReader(reader) }
            xmlTextReaderSetStructuredErrorHandler(
                reader,
                { context, error in
                    guard let context, let error else { return }
                    Unmanaged<ErrorLog>.fromOpaque(context).takeUnretainedValue().note(error.pointee)
                }, Unmanaged.passUnretained(errors).toOpaque())
            var status = xmlTextReaderRead(reader)
            while status == 1 {
                deliver(reader, to: collector)
                status = xmlTextReaderRead(reader)
            }
            stoppedEarly = status < 0
        }
        var isTruncated = collector.sawRoot && !collector.isComplete
        if stoppedEarly {
            let atEnd = errors.first?.line.map { $0 >= lastLine(of: prepared.data) } ?? true
            // An error at the very end, after the reader had read the document: what it read
            // stands, and the feed is cut short (an item left open is not half kept).
            // Otherwise the recovering parser reads what it can of the whole document.
            if !(atEnd && collector.sawRoot) {
                collector = makeCollector()
                recover(prepared.data, into: collector)
                isTruncated = atEnd
            }
        }
        guard collector.sawRoot else {
            if let first = errors.first {
                throw .malformedDocument(
                    source: feed.id, line: first.line, column: first.column,
                    reason: "XML 格式不正确：\(explain(code: first.code))")
            }
            throw .malformedDocument(source: feed.id, line: nil, reason: "应为 \(root)")
        }
        return (collector, prepared.isRecovered || isTruncated || errors.count > 0, isTruncated, prepared.encoding)
    }

    /// libxml2 sets up its global state once, before threads use it.
    private static let initialized: Void = xmlInitParser()

    /// The reader's current node, to the collector.
    private static func deliver(_ reader: wagewatch_xml_reader, to collector: some FeedCollector) {
        switch xmlTextReaderNodeType(reader) {
        case element:
            let name = string(xmlTextReaderConstName(reader))
            let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
            var attributes: [String: String] = [:]
            while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                let key = string(xmlTextReaderConstName(reader))
                if attributes[key] == nil { attributes[key] = string(xmlTextReaderConstValue(reader)) }
            }
            _ = xmlTextReaderMoveToElement(reader)
            collector.start(name, attributes: attributes)
            if isEmpty { collector.end(name) }
        case endElement:
            collector.end(string(xmlTextReaderConstName(reader)))
        case text, cdata, whitespace, significantWhitespace:
            collector.text(string(xmlTextReaderConstValue(reader)))
        default:
            break
        }
    }

    /// Reads the whole document with libxml2's recovering parser and walks its tree,
    /// without recursion (a hostile document nests deep).
    private static func recover(_ data: Data, into collector: some FeedCollector) {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0,
                let document = xmlReadMemory(base.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, "UTF-8", options)
            else { return }
            defer { xmlFreeDoc(document) }
            guard let root = xmlDocGetRootElement(document) else { return }
            // Each entry: a node, and whether its children have been walked (its end is due).
            var stack: [(node: UnsafeMutablePointer<wagewatch_xml_node>, closing: Bool)] = [(root, false)]
            while let (node, closing) = stack.popLast() {
                let name = qualifiedName(node.pointee.name, node.pointee.ns)
                if closing {
                    collector.end(name)
                    continue
                }
                switch node.pointee.type {
                case element:
                    var attributes: [String: String] = [:]
                    var attribute = node.pointee.properties
                    while let current = attribute {
                        let key = qualifiedName(current.pointee.name, current.pointee.ns)
                        if attributes[key] == nil { attributes[key] = textOf(current.pointee.children) }
                        attribute = current.pointee.next
                    }
                    collector.start(name, attributes: attributes)
                    stack.append((node, true))
                    // Children in document order: pushed last to first.
                    var child = node.pointee.last
                    while let current = child {
                        stack.append((current, false))
                        child = current.pointee.prev
                    }
                case text, cdata:
                    if let content = node.pointee.content { collector.text(String(cString: content)) }
                default:
                    break
                }
            }
        }
    }

    /// `prefix:name` as the document wrote it (content:encoded, xml:base).
    private static func qualifiedName(_ name: UnsafePointer<UInt8>?, _ namespace: UnsafeMutablePointer<wagewatch_xml_ns>?) -> String {
        let local = string(name)
        guard let prefix = namespace?.pointee.prefix else { return local }
        return string(prefix) + ":" + local
    }

    /// The text of an attribute's value nodes.
    private static func textOf(_ first: UnsafeMutablePointer<wagewatch_xml_node>?) -> String {
        var result = ""
        var node = first
        while let current = node {
            if let content = current.pointee.content { result += String(cString: content) }
            node = current.pointee.next
        }
        return result
    }

    /// The number of the document's last line.
    private static func lastLine(of data: Data) -> Int {
        var lines = 1
        for byte in data where byte == 0x0A { lines += 1 }
        // A document that ends with a line break has its last line before it.
        return data.last == 0x0A ? lines - 1 : lines
    }

    // libxml2's parser options (parser.h): recover, no error output, no network, huge
    // documents allowed (a text node over 10 MB), small text nodes compacted.
    private static let options: Int32 = 1 << 0 | 1 << 5 | 1 << 6 | 1 << 11 | 1 << 16 | 1 << 19
    // Node types of the reader (xmlreader.h).
    private static let element: Int32 = 1, text: Int32 = 3, cdata: Int32 = 4, whitespace: Int32 = 13,
        significantWhitespace: Int32 = 14, endElement: Int32 = 15

    private static func string(_ pointer: UnsafePointer<UInt8>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// The errors libxml2 met while recovering: how many, and where the first was.
    private final class ErrorLog {
        struct Entry {
            var code: Int
            var line: Int?
            var column: Int?
        }
        private(set) var first: Entry?
        private(set) var count = 0

        func note(_ error: wagewatch_xml_error) {
            // Warnings (level 1) are not errors of the document.
            guard error.level >= 2 else { return }
            count += 1
            guard first == nil else { return }
            first = Entry(
                code: Int(error.code), line: error.line > 0 ? Int(error.line) : nil,
                column: error.int2 > 0 ? Int(error.int2) : nil)
        }
    }

    /// What a libxml2 error number (xmlerror.h) means, in words.
    static func explain(code: Int) -> String {
        let words: String? =
            switch code {
            case 4: "文档为空"
            case 5, 86: "文档结束后还有多余内容"
            case 6, 7, 8: "字符引用（&#…;）无效"
            case 9: "含有 XML 不允许的字符"
            case 23: "实体引用缺少结尾的分号"
            case 26: "引用了未定义的实体（&name;）"
            case 31: "文档声明的编码无法读取"
            case 34, 40: "属性值的引号未闭合"
            case 38: "属性值中含有 <"
            case 39, 41: "属性值缺少引号"
            case 42: "同一标签中有重复的属性"
            case 45, 80: "注释未闭合，或注释中含有 --"
            case 57: "XML 声明不完整"
            case 63: "CDATA 段未闭合"
            case 68: "标签或属性缺少名称"
            case 72, 73, 74, 77: "标签不完整（缺少 < 或 >）"
            case 76: "结束标签与对应的开始标签不一致"
            case 85: "元素嵌套或闭合不正确"
            default: nil
            }
        return words.map { "\($0)（libxml2 错误 \(code)）" } ?? "libxml2 错误 \(code)"
    }

    /// `link` made absolute against `base` (xml:base, the feed's home link or its
    /// URL); left as it is when it is absolute already or no web base is known.
    static func resolve(_ link: String?, against base: String?) -> String? {
        guard let link, !link.isEmpty else { return link }
        if let url = URL(string: link), url.scheme != nil { return link }
        // The base lends its scheme, host and path only: a user, a password or a query
        // token in a feed URL must not travel into stored item links.
        guard let base, var components = URLComponents(string: base),
            ["http", "https"].contains(components.scheme?.lowercased() ?? "")
        else { return link }
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
