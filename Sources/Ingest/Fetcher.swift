import CCurl
import Foundation

/// One transfer to make: where, with which headers, and whether `file://` is allowed.
public struct FetchRequest: Sendable {
    public var feedID: String
    public var url: String
    /// Headers with `${ENV}` references already expanded. Never log these.
    public var headers: [String: String]
    /// Validators from the last successful fetch, sent as If-None-Match / If-Modified-Since.
    public var etag: String?
    public var lastModified: String?

    public init(feedID: String, url: String, headers: [String: String] = [:], etag: String? = nil, lastModified: String? = nil) {
        self.feedID = feedID
        self.url = url
        self.headers = headers
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// What a finished transfer brought back.
public struct FetchResponse: Sendable {
    /// HTTP status; 0 for `file://`. 304 means unchanged since the validators sent.
    public var status: Int
    public var body: Data
    public var contentType: String?
    /// Validators to send next time (store them only after the body parsed).
    public var etag: String?
    public var lastModified: String?
    /// Cache-Control max-age in seconds: how long the server says the body stays fresh.
    public var maxAge: Int?

    /// True for 304 Not Modified: the feed is healthy and has nothing new.
    public var isUnchanged: Bool { status == 304 }
}

/// Fetches many URLs at once with libcurl's multi interface, on a thread of its own.
///
/// The transfers run on a dedicated thread so that waiting on sockets never
/// blocks Swift's cooperative pool; the caller awaits all results together.
public struct Fetcher: Sendable {
    /// Limits applied to every transfer.
    public struct Limits: Sendable {
        public var connectTimeout: Int = 10
        public var totalTimeout: Int = 30
        /// A transfer slower than `lowSpeedBytes` per second for `lowSpeedSeconds` is aborted.
        public var lowSpeedBytes: Int = 1024
        public var lowSpeedSeconds: Int = 30
        public var maxRedirects: Int = 5
        public var maxBodyBytes: Int = 15 * 1024 * 1024
        public var maxTotalConnections: Int = 32
        public var maxHostConnections: Int = 4
        public var userAgent = "wagewatch/0.1 (+petition risk monitor)"

        public init() {}
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
        _ = Fetcher.globalInit
    }

    // curl_global_init is not thread-safe; run it once before any handle exists.
    // 3 is CURL_GLOBAL_ALL, a macro Swift does not import.
    private static let globalInit: Void = { _ = curl_global_init(3) }()

    /// Runs all `requests` concurrently; the result for each feed id is its response or its error.
    ///
    /// Only `http`, `https` and `file` are allowed; redirects may go to `http` and `https` only.
    /// - Parameter progress: called on the fetching thread as transfers finish (done, total).
    public func fetch(
        _ requests: [FetchRequest],
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async -> [String: Result<FetchResponse, IngestError>] {
        guard !requests.isEmpty else { return [:] }
        let limits = self.limits
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: MultiTransfer(limits: limits, progress: progress).run(requests))
            }
            thread.name = "wagewatch-fetch"
            thread.start()
        }
    }
}

/// One easy handle with its request, its growing body and its header list.
private final class Transfer {
    let request: FetchRequest
    let handle: UnsafeMutableRawPointer
    var headerList: UnsafeMutablePointer<curl_slist>?
    var body = Data()
    let maxBodyBytes: Int
    var exceededCap = false
    /// libcurl writes its detailed error text here; it must outlive the handle's use.
    let errorBuffer: UnsafeMutablePointer<CChar>

    init?(request: FetchRequest, limits: Fetcher.Limits) {
        guard let handle = curl_easy_init() else { return nil }
        self.request = request
        self.handle = handle
        self.maxBodyBytes = limits.maxBodyBytes
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let isFile = request.url.lowercased().hasPrefix("file://")
        ww_easy_setopt_string(handle, CURLOPT_URL, request.url)
        ww_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, isFile ? "file" : "http,https")
        ww_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        ww_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        ww_easy_setopt_long(handle, CURLOPT_MAXREDIRS, limits.maxRedirects)
        ww_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, limits.connectTimeout)
        ww_easy_setopt_long(handle, CURLOPT_TIMEOUT, limits.totalTimeout)
        ww_easy_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, limits.lowSpeedBytes)
        ww_easy_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, limits.lowSpeedSeconds)
        ww_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        // An empty string asks for every encoding this libcurl can decode.
        ww_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        ww_easy_setopt_string(handle, CURLOPT_USERAGENT, limits.userAgent)
        var headers = request.headers.sorted(by: { $0.key < $1.key })
        if let etag = request.etag { headers.append(("If-None-Match", etag)) }
        if let lastModified = request.lastModified { headers.append(("If-Modified-Since", lastModified)) }
        for (name, value) in headers {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        if let headerList {
            ww_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        }
        ww_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        ww_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            // swift-format-ignore: NeverForceUnwrap
            // (libcurl passes back the CURLOPT_WRITEDATA pointer set below)
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            // MAXFILESIZE is enforced only with a Content-Length; cap decoded bytes here.
            guard transfer.body.count + length <= transfer.maxBodyBytes else {
                transfer.exceededCap = true
                return 0
            }
            if let data, length > 0 {
                transfer.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
            }
            return length
        }
        ww_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
        ww_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            // swift-format-ignore: NeverForceUnwrap
            // (libcurl passes back the CURLOPT_HEADERDATA pointer set below)
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            if let data, length > 0 {
                let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
                transfer.received(headerLine: line)
            }
            return length
        }
        ww_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(self).toOpaque())
        ww_easy_setopt_pointer(handle, CURLOPT_PRIVATE, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Response headers of the last response (redirects start a new set).
    var responseHeaders: [String: String] = [:]

    /// Retry-After of the last response in seconds: a number, or an HTTP date.
    func retryAfterSeconds() -> Int? {
        guard let value = responseHeaders["retry-after"] else { return nil }
        if let seconds = Int(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, Int($0.timeIntervalSinceNow)) }
    }

    func received(headerLine line: String) {
        if line.hasPrefix("HTTP/") {
            responseHeaders = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        responseHeaders[name] = value
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// The outcome once libcurl reports the transfer done with `code`.
    func outcome(code: CURLcode) -> Result<FetchResponse, IngestError> {
        let feed = request.feedID
        if exceededCap {
            return .failure(.fetchFailed(feed: feed, reason: "返回内容超过 \(maxBodyBytes) 字节，已停止接收"))
        }
        guard code == CURLE_OK else {
            let detail = String(validatingCString: errorBuffer) ?? ""
            let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(.fetchFailed(feed: feed, reason: "网络传输出错：\(reason)"))
        }
        var status = 0
        ww_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var contentType: UnsafeMutablePointer<CChar>?
        ww_easy_getinfo_string(handle, CURLINFO_CONTENT_TYPE, &contentType)
        let isHTTP = !request.url.lowercased().hasPrefix("file://")
        if isHTTP && !(200..<300).contains(status) && status != 304 {
            return .failure(.httpStatus(feed: feed, status: status, retryAfter: retryAfterSeconds()))
        }
        return .success(
            FetchResponse(
                status: status, body: body, contentType: contentType.map { String(cString: $0) },
                etag: responseHeaders["etag"], lastModified: responseHeaders["last-modified"], maxAge: maxAgeSeconds()))
    }

    /// The max-age directive of Cache-Control, in seconds.
    func maxAgeSeconds() -> Int? {
        guard let value = responseHeaders["cache-control"] else { return nil }
        for directive in value.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "max-age",
                let seconds = Int(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            {
                return max(0, seconds)
            }
        }
        return nil
    }
}

/// Drives one multi handle until all of its transfers are done. Lives on one thread.
private struct MultiTransfer {
    let limits: Fetcher.Limits
    let progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    func run(_ requests: [FetchRequest]) -> [String: Result<FetchResponse, IngestError>] {
        var results: [String: Result<FetchResponse, IngestError>] = [:]
        guard let multi = curl_multi_init() else {
            for request in requests {
                results[request.feedID] = .failure(.fetchFailed(feed: request.feedID, reason: "libcurl 无法启动"))
            }
            return results
        }
        defer { curl_multi_cleanup(multi) }
        ww_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, limits.maxTotalConnections)
        ww_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, limits.maxHostConnections)

        var active: [Transfer] = []
        for request in requests {
            guard let transfer = Transfer(request: request, limits: limits) else {
                results[request.feedID] = .failure(.fetchFailed(feed: request.feedID, reason: "libcurl 无法创建传输句柄"))
                continue
            }
            curl_multi_add_handle(multi, transfer.handle)
            active.append(transfer)
        }

        var running: Int32 = 1
        while running > 0 {
            var code = curl_multi_perform(multi, &running)
            drainFinished(multi: multi, active: &active, results: &results)
            if code == CURLM_OK && running > 0 {
                code = curl_multi_poll(multi, nil, 0, 1000, nil)
            }
            guard code == CURLM_OK else {
                // The multi handle itself broke: fail what is left rather than spin.
                let reason = "libcurl 并发传输出错：" + String(cString: curl_multi_strerror(code))
                for transfer in active {
                    curl_multi_remove_handle(multi, transfer.handle)
                    results[transfer.request.feedID] = .failure(.fetchFailed(feed: transfer.request.feedID, reason: reason))
                }
                active.removeAll()
                break
            }
        }
        drainFinished(multi: multi, active: &active, results: &results)
        // Easy handles must leave the multi handle before either is cleaned up.
        for transfer in active {
            curl_multi_remove_handle(multi, transfer.handle)
        }
        active.removeAll()
        return results
    }

    private func drainFinished(
        multi: UnsafeMutableRawPointer, active: inout [Transfer],
        results: inout [String: Result<FetchResponse, IngestError>]
    ) {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            guard let index = active.firstIndex(where: { $0.handle == handle }) else { continue }
            let transfer = active.remove(at: index)
            let code = message.pointee.data.result
            // Detach before the transfer (and its easy handle) can be released.
            curl_multi_remove_handle(multi, handle)
            withExtendedLifetime(transfer) {
                results[transfer.request.feedID] = transfer.outcome(code: code)
            }
            progress?(results.count, results.count + active.count)
        }
    }
}
