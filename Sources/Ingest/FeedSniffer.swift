import Foundation
import Model

/// Guesses what format a feed body is in, for `wagewatch feed inspect` on a file
/// or URL that no feed definition describes.
public enum FeedSniffer {
    /// Keys only a petition record has (docs/FORMATS.md, "Petition records (信访件, 12345 工单)"), in English or Chinese, quoted
    /// as in JSON; the names come from the petition parser's own field table.
    static let petitionKeys = PetitionRecordParser.fields
        .filter { ["respondent", "petitioner", "handling_unit"].contains($0.english) }
        .flatMap { ["\"\($0.english)\"", "\"\($0.chinese)\""] }

    /// The format `data` looks like, or nil when it looks like none of them.
    public static func format(of data: Data) -> FeedFormat? {
        // The head is enough, and a stray byte in it (or a character cut at its end) is
        // replaced, as the parsers will replace it.
        (try? TextDecoding.decodeRepairing(data.prefix(64 * 1024), source: "sniff")).flatMap { format(ofText: $0.text) }
    }

    static func format(ofText text: String) -> FeedFormat? {
        let head = text.prefix(4096).trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
        if head.hasPrefix("<") {
            if head.contains("<rss") || head.contains("<rdf:RDF") { return .rss }
            if head.contains("<feed") { return .atom }
            return nil
        }
        if head.hasPrefix("{") {
            if head.contains("jsonfeed.org/version") { return .jsonFeed }
            let firstLine = head.prefix { $0 != "\n" }
            return petitionKeys.contains(where: firstLine.contains) ? .petitionNDJSON : .postNDJSON
        }
        let firstLine = head.prefix { $0 != "\n" }
        return firstLine.contains(",") ? .petitionCSV : nil
    }
}
