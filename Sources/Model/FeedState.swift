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
    /// After failures, the feed is not asked again before this time.
    public var nextAttempt: Date?
    /// When a fetch last brought items not seen before.
    public var lastNewItem: Date?
    /// The feed's usual time between fetches that bring new items (a moving average).
    public var typicalGap: TimeInterval?
    /// The last body ended before its end (a dropped connection, a full disk at the
    /// source): what it held was stored, the rest may be missing until the next whole one.
    public var lastBodyCutShort = false

    public init(
        feedID: String, etag: String? = nil, lastModified: String? = nil, lastAttempt: Date? = nil,
        lastSuccess: Date? = nil, errorCount: Int = 0, lastError: String? = nil, lastStatus: Int? = nil,
        nextAttempt: Date? = nil, lastNewItem: Date? = nil, typicalGap: TimeInterval? = nil
    ) {
        self.nextAttempt = nextAttempt
        self.lastNewItem = lastNewItem
        self.typicalGap = typicalGap
        self.feedID = feedID
        self.etag = etag
        self.lastModified = lastModified
        self.lastAttempt = lastAttempt
        self.lastSuccess = lastSuccess
        self.errorCount = errorCount
        self.lastError = lastError
        self.lastStatus = lastStatus
    }

    /// The first wait after a failure; it doubles with each failure in a row, up to `longestBackoff`.
    public static let firstBackoff: TimeInterval = 60
    public static let longestBackoff: TimeInterval = 6 * 3600

    /// Records a success at `time`: the failure count and the wait are cleared.
    public mutating func recordSuccess(at time: Date) {
        lastSuccess = time
        errorCount = 0
        lastError = nil
        nextAttempt = nil
    }

    /// Records a failure at `time` and sets when to try again: exponential backoff with
    /// ±25% jitter (so feeds of one host do not retry in step), or the server's own
    /// Retry-After (429, 503) when it asks for longer.
    public mutating func recordFailure(
        _ reason: String, at time: Date, retryAfter: TimeInterval? = nil,
        jitter: Double = Double.random(in: 0.75...1.25)
    ) {
        errorCount += 1
        lastError = reason
        let backoff = min(Self.firstBackoff * pow(2, Double(min(errorCount - 1, 20))), Self.longestBackoff) * jitter
        nextAttempt = time.addingTimeInterval(max(backoff, retryAfter ?? 0))
    }

    /// Records a successful fetch that brought `newItems` items not seen before,
    /// learning the feed's rhythm from the gaps between such fetches.
    public mutating func recordArrival(newItems: Int, at time: Date) {
        guard newItems > 0 else { return }
        if let last = lastNewItem, time > last {
            let gap = time.timeIntervalSince(last)
            typicalGap = typicalGap.map { $0 * (1 - Self.rhythmWeight) + gap * Self.rhythmWeight } ?? gap
        }
        lastNewItem = time
    }

    /// Failures in a row after which a feed is reported as unhealthy.
    public static let failuresBeforeWarning = 3
    /// How much a new gap moves the learned rhythm.
    public static let rhythmWeight = 0.3
    /// Silence longer than this many usual gaps is reported ...
    public static let silenceFactor = 4.0
    /// ... but never a silence shorter than this, however busy the feed usually is.
    public static let shortestReportedSilence: TimeInterval = 3600

    /// Why nobody should read this feed's silence as "no risk" at `now`, or nil when it is healthy.
    public func healthWarning(at now: Date) -> String? {
        if let status = lastStatus, [401, 403, 418, 432].contains(status), errorCount > 0 {
            return "数据源拒绝访问 (HTTP \(status))：登录凭据可能过期或被封禁，此源的沉默不代表没有风险"
        }
        if errorCount >= Self.failuresBeforeWarning {
            return "数据源连续 \(errorCount) 次失败：此源的沉默不代表没有风险"
        }
        if lastBodyCutShort {
            return "数据源上次返回的内容在结尾前中断：已收下完整的条目，其余条目可能缺失，下次将重新完整获取"
        }
        if let last = lastNewItem, let gap = typicalGap, gap > 0 {
            let silence = now.timeIntervalSince(last)
            if silence > max(Self.silenceFactor * gap, Self.shortestReportedSilence) {
                return "数据源已 \(Self.hours(silence))没有新内容，通常约每 \(Self.hours(gap))就有：此源的沉默不代表没有风险"
            }
        }
        return nil
    }

    private static func hours(_ interval: TimeInterval) -> String {
        interval >= 86_400 ? String(format: "%.1f 天", interval / 86_400) : String(format: "%.1f 小时", interval / 3600)
    }
}
