import Foundation
import Model

/// Parses the body of a fetched feed according to its definition's format.
public enum FeedParser {
    /// The items of `data`, fetched for `feed`, and the records that could not be read.
    public static func parse(_ data: Data, feed: FeedDefinition) throws(IngestError) -> FeedParseResult {
        switch feed.format {
        case .rss:
            return FeedParseResult(items: try RSSParser(feed: feed).parse(data))
        case .atom:
            return FeedParseResult(items: try AtomParser(feed: feed).parse(data))
        case .jsonFeed:
            return try JSONFeedParser(feed: feed).parse(data)
        case .postNDJSON:
            return PostRecordParser(feed: feed).parse(try TextDecoding.decode(data, source: feed.id))
        case .petitionNDJSON:
            return PetitionRecordParser(feed: feed).parse(try TextDecoding.decode(data, source: feed.id))
        case .petitionCSV:
            return try PetitionRecordParser(feed: feed).parse(csv: data)
        }
    }
}
