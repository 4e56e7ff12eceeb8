import CLibXML2
import Foundation
import Model

/// The plain text of the HTML in feed descriptions and titles, read by libxml2's HTML
/// parser (forgiving of tag soup, linear on any input, as browsers read `<`): paragraph
/// ends and `<br>` become line breaks, scripts, styles and every other tag are dropped,
/// and every named reference of HTML is decoded (HTML5's too: libxml2 knows HTML 4's).
public enum HTMLToText {
    public static func plainText(_ html: String) -> String {
        // Most titles and many descriptions are plain text: nothing to parse.
        guard html.utf8.contains(0x3C) || html.utf8.contains(0x26) else { return html }
        _ = initialized
        let source = withHTML5References(html)
        var output = ""
        source.utf8CString.withUnsafeBufferPointer { buffer in
            guard buffer.count > 1, let document = htmlReadMemory(buffer.baseAddress, Int32(buffer.count - 1), nil, "UTF-8", options)
            else { return }
            defer { xmlFreeDoc(document) }
            guard let root = xmlDocGetRootElement(document) else { return }
            walk(root, into: &output)
        }
        // A no-break space is a plain space in clean text.
        if output.unicodeScalars.contains("\u{A0}") {
            output = String(String.UnicodeScalarView(output.unicodeScalars.map { $0 == "\u{A0}" ? " " : $0 }))
        }
        var lines: [String] = []
        for line in output.utf8.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let trimmed = Substring(line).trimmingSpaces
            if !trimmed.isEmpty { lines.append(trimmed) }
        }
        return lines.joined(separator: "\n")
    }

    /// libxml2 sets up its global state once, before threads use it.
    private static let initialized: Void = xmlInitParser()

    /// Recover from anything, never reach the network, say nothing on stderr.
    private static let options: Int32 = 1 | 32 | 64 | 2048  // HTML_PARSE_RECOVER | NOERROR | NOWARNING | NONET

    private static let element: Int32 = 1, text: Int32 = 3, cdata: Int32 = 4

    /// Tags that end a line: all of them when opened, `p` and `div` also when closed.
    private static let breaking: Set<String> = ["br", "p", "div", "li", "tr"]
    private static let breakingWhenClosed: Set<String> = ["p", "div"]
    private static let skipped: Set<String> = ["script", "style"]

    /// The text of the tree under `root`, in document order, without recursion (tag soup
    /// nests deep).
    private static func walk(_ root: UnsafeMutablePointer<wagewatch_xml_node>, into output: inout String) {
        var stack: [(node: UnsafeMutablePointer<wagewatch_xml_node>, closing: Bool)] = [(root, false)]
        while let (node, closing) = stack.popLast() {
            // The HTML parser gives tag names in lower case.
            let name = node.pointee.type == element ? node.pointee.name.map { String(cString: $0) } ?? "" : ""
            if closing {
                if breakingWhenClosed.contains(name) { output.append("\n") }
                continue
            }
            switch node.pointee.type {
            case element:
                guard !skipped.contains(name) else { continue }
                if breaking.contains(name) { output.append("\n") }
                stack.append((node, true))
                var children: [UnsafeMutablePointer<wagewatch_xml_node>] = []
                var child = node.pointee.children
                while let next = child {
                    children.append(next)
                    child = next.pointee.next
                }
                for child in children.reversed() { stack.append((child, false)) }
            case text, cdata:
                if let content = node.pointee.content { output += String(cString: content) }
            default:
                break
            }
        }
    }

    /// `html` with the named references libxml2 does not know (HTML5's check, bigstar,
    /// NotEqualTilde ...) written as the characters they stand for; the ones it knows are
    /// left to it, so that `&amp;check;` stays the text "&check;".
    static func withHTML5References(_ html: String) -> String {
        guard html.utf8.contains(0x26) else { return html }
        var result = ""
        var rest = html[...]
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(HTMLText.longestEntityName + 1).firstIndex(of: ";") {
                let name = String(after[..<semicolon])
                if !name.isEmpty, name.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || ($0 >= 0x30 && $0 <= 0x39) }),
                    !name.withCString({ htmlEntityLookup(UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self)) != nil }),
                    let scalars = HTMLText.entityScalars(named: name)
                {
                    // Markup characters stay references, for libxml2 to read as text.
                    for value in scalars {
                        switch value {
                        case 0x3C: result += "&lt;"
                        case 0x26: result += "&amp;"
                        case 0x3E: result += "&gt;"
                        default: if let scalar = Unicode.Scalar(value) { result.unicodeScalars.append(scalar) }
                        }
                    }
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            result.append("&")
            rest = after
        }
        return result + rest
    }
}
