import Foundation

/// What wagewatch remembers about one feed between cycles: validators for
/// conditional GET, and its health.
public struct FeedState: Codable, Hashable, Sendable {
    public var feedID: String
    public var etag: String?
    public var lastModified: String?
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    /// Failures in a row since the last success.
    public var errorCount: Int
    /// The last failure, in words; never holds header values.
    public var lastError: String?
    /// The HTTP status of the last answer (0 for files).
    public var lastStatus: Int?

    public init(feedID: String, etag: String? = nil, lastModified: String? = nil, lastAttempt: Date? = nil,
                lastSuccess: Date? = nil, errorCount: Int = 0, lastError: String? = nil, lastStatus: Int? = nil) {
        self.feedID = feedID
        self.etag = etag
        self.lastModified = lastModified
        self.lastAttempt = lastAttempt
        self.lastSuccess = lastSuccess
        self.errorCount = errorCount
        self.lastError = lastError
        self.lastStatus = lastStatus
    }

    /// Failures in a row after which a feed is reported as unhealthy.
    public static let failuresBeforeWarning = 3

    /// Why nobody should read this feed's silence as "no risk", or nil when it is healthy.
    public var healthWarning: String? {
        if let status = lastStatus, [401, 403, 418, 432].contains(status), errorCount > 0 {
            return "数据源拒绝访问 (HTTP \(status))：登录凭据可能过期或被封禁，此源的沉默不代表没有风险"
        }
        if errorCount >= Self.failuresBeforeWarning {
            return "数据源连续 \(errorCount) 次失败：此源的沉默不代表没有风险"
        }
        return nil
    }
}
