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
        case .badCatalog(let file, let reason):
            "feed catalog \(file): \(reason)"
        case .duplicateFeed(let id, let files):
            "feed id \(id) is defined more than once (\(files.joined(separator: ", "))); each feed needs its own id"
        case .missingEnvironment(let feed, let variable):
            "feed \(feed): header refers to environment variable ${\(variable)}, which is not set"
        case .unsupportedURL(let feed, let url):
            "feed \(feed): URL \(url) is not http://, https:// or file://"
        case .fetchFailed(let feed, let reason):
            "feed \(feed): fetch failed: \(reason)"
        case .httpStatus(let feed, let status, _):
            "feed \(feed): fetch failed: HTTP status \(status)"
        case .undecodableText(let source):
            "\(source): the bytes are neither UTF-8 nor GB18030 text"
        case .malformedDocument(let source, let line, let column, let reason):
            if let line, let column {
                "\(source) line \(line), column \(column): \(reason)"
            } else if let line {
                "\(source) line \(line): \(reason)"
            } else {
                "\(source): \(reason)"
            }
        case .missingColumn(let file, let column):
            "\(file): the header has no column \(column)"
        case .unreadableFile(let path, let reason):
            "\(path): cannot read the file: \(reason)"
        }
    }
}
