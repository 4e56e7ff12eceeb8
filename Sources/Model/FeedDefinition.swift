import Foundation

/// The formats a feed can be in.
public enum FeedFormat: String, Codable, Sendable, CaseIterable {
    /// RSS 0.9x, 1.0 (RDF) and 2.0, as RSSHub and platform exports write them.
    case rss
    /// Atom 1.0 and 0.3.
    case atom
    /// JSON Feed 1.0 and 1.1.
    case jsonFeed = "json_feed"
    /// Online posts, one JSON object a line (docs/FORMATS.md, "Online posts (post NDJSON)").
    case postNDJSON = "post_ndjson"
    /// Petition records, one JSON object a line (docs/FORMATS.md, "Petition records (信访件, 12345 工单)").
    case petitionNDJSON = "petition_ndjson"
    /// Petition records as CSV with English or Chinese headers (12345 工单 exports).
    case petitionCSV = "petition_csv"
}

/// One feed from `feeds/*.yaml`: where to fetch, what it holds, how to read it.
///
/// Header values may reference environment variables as `${NAME}`; they are
/// resolved only when a request is made, and never printed.
public struct FeedDefinition: Hashable, Sendable, Identifiable, CustomStringConvertible {
    public var id: String
    public var kind: ItemKind
    public var format: FeedFormat
    /// `http(s)://` or `file://` (a relative `file:` path is resolved against the catalog file).
    public var url: String
    /// Extra request headers; values are templates with `${ENV}` references.
    public var headers: [String: String]
    /// Platform or channel name to record on items that do not say (微博, 12345 ...).
    public var channel: String?
    /// How often `watch` asks this feed, in seconds; nil for the default. A longer
    /// `<ttl>` or Cache-Control max-age from the feed itself wins.
    public var interval: TimeInterval?

    public init(
        id: String, kind: ItemKind, format: FeedFormat, url: String,
        headers: [String: String] = [:], channel: String? = nil, interval: TimeInterval? = nil
    ) {
        self.interval = interval
        self.id = id
        self.kind = kind
        self.format = format
        self.url = url
        self.headers = headers
        self.channel = channel
    }

    /// `url` as it may be shown in errors and logs: without user and password, and
    /// without the query, where tokens (RSSHub `key=`, signed URLs) travel.
    public static func displayURL(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<unreadable URL>" }
        components.user = nil
        components.password = nil
        if components.query != nil { components.query = nil }
        let shown = components.string ?? "<unreadable URL>"
        return url.contains("?") ? shown + "?…" : shown
    }

    /// Id, kind, format and URL; header values are left out because they may hold secrets.
    public var description: String {
        "\(id) (\(kind.rawValue), \(format.rawValue)) \(Self.displayURL(url))"
    }
}
