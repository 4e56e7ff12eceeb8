import CCurl
import Foundation

/// Sends an `AlertRequest` as an HTTP POST through libcurl: a `Connection`'s easy handle
/// reused from one message to the next (its connection kept alive: a robot's TLS
/// handshake once, not once a message), no redirects followed (a webhook that moves is an error to see, not to follow), a
/// bounded time and a bounded answer.
public enum AlertPoster {
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: [UInt8]
        /// `Retry-After` in seconds, when the answer gave one.
        public var retryAfter: Int?

        public init(status: Int, body: [UInt8], retryAfter: Int? = nil) {
            self.status = status
            self.body = body
            self.retryAfter = retryAfter
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// An SMTP server's last reply code, when it gave one (5xx: it will not take the message).
        public var smtpCode: Int = 0
    }

    /// Posts `request` on a connection of its own; blocks its thread for at most `timeout` seconds.
    public static func post(_ request: AlertRequest, timeout: Int = 15) throws(Failure) -> Answer {
        try Connection().post(request, timeout: timeout)
    }

    /// One libcurl easy handle, used for one message after another (never two at once):
    /// libcurl keeps its connection to the receiver open between them.
    public final class Connection: @unchecked Sendable {
        private var handle: UnsafeMutableRawPointer?

        public init() {}

        deinit {
            if let handle { curl_easy_cleanup(handle) }
        }

        /// Posts `request`; blocks its thread for at most `timeout` seconds.
        /// - Throws: `Failure` when no answer came (refused, timed out, TLS failed), naming
        ///   libcurl's reason but never the URL (it may carry a key).
        public func post(_ request: AlertRequest, timeout: Int = 15) throws(Failure) -> Answer {
            if let handle {
                curl_easy_reset(handle)  // options cleared; the open connection kept
            } else {
                handle = curl_easy_init()
            }
            guard let handle else { throw Failure(description: "libcurl could not start a transfer") }
            return try AlertPoster.perform(request, on: handle, timeout: timeout)
        }
    }

    private static func perform(_ request: AlertRequest, on handle: UnsafeMutableRawPointer, timeout: Int) throws(Failure) -> Answer {
        let sink = Sink()
        var headerList: UnsafeMutablePointer<curl_slist>?
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer {
            // The handle's pointers to these go with the next reset or the cleanup.
            ww_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
            ww_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
            curl_slist_free_all(headerList)
            errorBuffer.deallocate()
        }
        ww_easy_setopt_string(handle, CURLOPT_URL, request.url)
        ww_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        ww_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ww_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, min(10, timeout))
        ww_easy_setopt_long(handle, CURLOPT_TIMEOUT, timeout)
        ww_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ww_easy_setopt_string(handle, CURLOPT_USERAGENT, "wagewatch-alerts")
        ww_easy_setopt_long(handle, CURLOPT_POST, 1)
        ww_easy_setopt_long(handle, CURLOPT_POSTFIELDSIZE, request.body.count)
        // libcurl copies the body: it need not outlive this call's buffer.
        request.body.withUnsafeBufferPointer { bytes in
            _ = ww_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        }
        for (name, value) in request.headers + [("Expect", "")] {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        ww_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        ww_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        ww_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            // swift-format-ignore: NeverForceUnwrap
            // (libcurl passes back the CURLOPT_WRITEDATA pointer set below)
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            // A webhook's answer is a line of JSON: more than 64 KB ends the transfer.
            guard sink.body.count + length <= 65_536 else { return 0 }
            if let data, length > 0 {
                sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            }
            return length
        }
        ww_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
        ww_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            // swift-format-ignore: NeverForceUnwrap
            // (libcurl passes back the CURLOPT_HEADERDATA pointer set below)
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            if let data, length > 0 {
                let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
                if let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "retry-after" {
                    sink.retryAfter = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
            return length
        }
        ww_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(sink).toOpaque())
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            throw Failure(description: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
        var status = 0
        ww_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Answer(status: status, body: sink.body, retryAfter: sink.retryAfter)
    }

    private final class Sink {
        var body: [UInt8] = []
        var retryAfter: Int?
    }
}
