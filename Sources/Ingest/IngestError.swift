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
            "数据源配置文件 \(file)：\(reason)"
        case .duplicateFeed(let id, let files):
            "数据源编号 \(id) 重复定义（\(files.joined(separator: "、"))）：每个数据源须使用不同的编号"
        case .missingEnvironment(let feed, let variable):
            "数据源 \(feed)：请求头引用的环境变量 ${\(variable)} 未设置"
        case .unsupportedURL(let feed, let url):
            "数据源 \(feed)：地址 \(url) 须以 http://、https:// 或 file:// 开头"
        case .fetchFailed(let feed, let reason):
            "数据源 \(feed) 获取失败：\(reason)"
        case .httpStatus(let feed, let status, _):
            "数据源 \(feed) 获取失败：服务器返回 HTTP \(status)"
        case .undecodableText(let source):
            "\(source)：内容既不是 UTF-8 也不是 GB18030 编码的文本，无法读取"
        case .malformedDocument(let source, let line, let column, let reason):
            if let line, let column {
                "\(source) 第 \(line) 行第 \(column) 列：\(reason)"
            } else if let line {
                "\(source) 第 \(line) 行：\(reason)"
            } else {
                "\(source)：\(reason)"
            }
        case .missingColumn(let file, let column):
            "\(file)：表头缺少 \(column) 列"
        case .unreadableFile(let path, let reason):
            "\(path)：无法读取文件：\(reason)"
        }
    }
}
