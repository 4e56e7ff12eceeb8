/// Errors of fetching, decoding and parsing; each names the file or feed and the place.
public enum IngestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A feed catalog file could not be read or is not valid YAML of the expected shape.
    case badCatalog(file: String, reason: String)
    /// The same feed id is defined twice.
    case duplicateFeed(id: String, files: [String])
    /// A header template names an environment variable that is not set.
    case missingEnvironment(feed: String, variable: String)
    /// A URL scheme that is not allowed for this feed.
    case unsupportedURL(feed: String, url: String)
    /// The transfer failed (network, size cap ...).
    case fetchFailed(feed: String, reason: String)
    /// The server answered with an error status (403 when a cookie expired, 429, 500 ...).
    case httpStatus(feed: String, status: Int, retryAfter: Int? = nil)
    /// The bytes are not text in any encoding we could detect.
    case undecodableText(source: String)
    /// The document as a whole cannot be parsed.
    case malformedDocument(source: String, line: Int?, column: Int? = nil, reason: String)
    /// A CSV lacks a required column.
    case missingColumn(file: String, column: String)
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .badCatalog(file, reason):
            "feed catalog \(file): \(reason)"
        case let .duplicateFeed(id, files):
            "feed id \(id) is defined more than once (\(files.joined(separator: ", "))); each feed needs its own id"
        case let .missingEnvironment(feed, variable):
            "feed \(feed): header refers to environment variable ${\(variable)}, which is not set"
        case let .unsupportedURL(feed, url):
            "feed \(feed): URL \(url) is not http://, https:// or file://"
        case let .fetchFailed(feed, reason):
            "feed \(feed): fetch failed: \(reason)"
        case let .httpStatus(feed, status, _):
            "feed \(feed): fetch failed: HTTP status \(status)"
        case let .undecodableText(source):
            "\(source): the bytes are neither UTF-8 nor GB18030 text"
        case let .malformedDocument(source, line, column, reason):
            if let line, let column {
                "\(source) line \(line), column \(column): \(reason)"
            } else if let line {
                "\(source) line \(line): \(reason)"
            } else {
                "\(source): \(reason)"
            }
        case let .missingColumn(file, column):
            "\(file): the header has no column \(column)"
        case let .unreadableFile(path, reason):
            "\(path): cannot read the file: \(reason)"
        }
    }
}
