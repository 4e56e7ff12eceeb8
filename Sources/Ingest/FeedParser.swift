import Foundation
import Model

/// Parses the body of a fetched feed according to its definition's format.
public enum FeedParser {
    /// The items of `data`, fetched for `feed`, and the records that could not be read.
    /// - Parameter contentType: the HTTP Content-Type, whose charset counts when the bytes are not UTF-8.
    public static func parse(_ data: Data, feed: FeedDefinition, contentType: String? = nil) throws(IngestError) -> FeedParseResult {
        let charset = TextDecoding.charset(inContentType: contentType)
        switch feed.format {
        case .rss:
            return try RSSParser(feed: feed).parseReporting(data, contentType: contentType)
        case .atom:
            return try AtomParser(feed: feed).parseReporting(data, contentType: contentType)
        case .jsonFeed:
            return try JSONFeedParser(feed: feed).parse(data, declaredCharset: charset)
        case .postNDJSON, .petitionNDJSON:
            let decoded = try TextDecoding.decodeRepairing(data, source: feed.id, declaredCharset: charset)
            var result =
                feed.format == .postNDJSON
                ? PostRecordParser(feed: feed).parse(decoded.text) : PetitionRecordParser(feed: feed).parse(decoded.text)
            result.encoding = decoded.encoding
            result.isRecovered = decoded.isRepaired
            return result
        case .petitionCSV:
            return try PetitionRecordParser(feed: feed).parse(csv: data)
        }
    }
}
