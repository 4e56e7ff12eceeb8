import Foundation
import Model

/// Parses the body of a fetched feed according to its definition's format.
public enum FeedParser {
    /// The items of `data`, fetched for `feed`, and the records that could not be read.
    public static func parse(_ data: Data, feed: FeedDefinition) throws(IngestError) -> FeedParseResult {
        switch feed.format {
        case .rss:
            return FeedParseResult(items: try RSSParser(feed: feed).parse(data))
        case .petitionNDJSON:
            let text = try TextDecoding.decode(data, source: feed.id)
            return PetitionRecordParser(feed: feed).parse(text)
        }
    }
}
