import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for fetcher tests and benchmarks (never
/// part of the `wagewatch` executable): real sockets, a
/// thread per connection (so that a slow answer holds up no other), a handler
/// that answers each request, and the ways real servers misbehave: no
/// Content-Length, a body shorter than announced, a body sent drop by drop.
public final class LoopbackHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Header names lower-cased.
        public var headers: [String: String]
        /// The body a Content-Length announced (a webhook's message).
        public var body: Data = Data()
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        /// False: no Content-Length, the body ends when the connection closes.
        public var sendsLength: Bool
        /// Announce this Content-Length instead of the body's (a truncated answer).
        public var claimedLength: Int?
        /// Send the body this many bytes at a time, pausing in between (a slow drip).
        public var drip: (bytes: Int, pause: TimeInterval)?
        /// Wait this long before answering (a slow server).
        public var delay: TimeInterval?

        public init(
            status: Int, headers: [String: String] = [:], body: Data, sendsLength: Bool = true,
            claimedLength: Int? = nil, drip: (bytes: Int, pause: TimeInterval)? = nil, delay: TimeInterval? = nil
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.sendsLength = sendsLength
            self.claimedLength = claimedLength
            self.drip = drip
            self.delay = delay
        }
    }

    public let port: UInt16
    private let socketDescriptor: Int32
    private let handler: @Sendable (Request) -> Response
    private let finished = DispatchSemaphore(value: 0)

    /// Binds an ephemeral port on 127.0.0.1 and starts answering on a thread of its own.
    public init(handler: @escaping @Sendable (Request) -> Response) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        socketDescriptor = descriptor
        self.handler = handler
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// The URL of `path` on this server.
    public func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Stops accepting connections and waits for the serving thread to end.
    public func stop() {
        // Wake the accept loop and let it end before the descriptor is closed: a
        // closed number can be reused at once by another test's socket, and a
        // late accept on it would answer that test's requests.
        shutdown(socketDescriptor, Int32(SHUT_RDWR))
        finished.wait()
        close(socketDescriptor)
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let connection = accept(socketDescriptor, nil, nil)
            guard connection >= 0 else { return }
            Thread { [self] in
                answer(connection)
                close(connection)
            }.start()
        }
    }

    private func answer(_ connection: Int32) {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.range(of: Data("\r\n\r\n".utf8)) == nil {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { return }
            received.append(buffer, count: count)
        }
        guard let headEnd = received.range(of: Data("\r\n\r\n".utf8)) else { return }
        let head = String(decoding: received[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ")
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        // The body: as many bytes as Content-Length says, after the head.
        var body = Data()
        if let length = headers["content-length"].flatMap(Int.init), length > 0, length <= 16 * 1024 * 1024 {
            body = received[headEnd.upperBound...]
            while body.count < length {
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { return }
                body.append(buffer, count: count)
            }
            body = Data(body.prefix(length))
        }
        let response = handler(
            Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body))
        if let delay = response.delay { Thread.sleep(forTimeInterval: delay) }
        var text = "HTTP/1.1 \(response.status) Status\r\nConnection: close\r\n"
        if response.sendsLength {
            text += "Content-Length: \(response.claimedLength ?? response.body.count)\r\n"
        }
        for (name, value) in response.headers {
            text += "\(name): \(value)\r\n"
        }
        guard transmit(Data((text + "\r\n").utf8), to: connection) else { return }
        guard let drip = response.drip else {
            _ = transmit(response.body, to: connection)
            return
        }
        var offset = 0
        while offset < response.body.count {
            let end = min(offset + drip.bytes, response.body.count)
            // The client hanging up ends the drip.
            guard transmit(response.body[offset..<end], to: connection) else { return }
            offset = end
            Thread.sleep(forTimeInterval: drip.pause)
        }
    }

    /// Writes all of `data`; false when the client has gone (no SIGPIPE: the test process lives on).
    private func transmit(_ data: Data, to connection: Int32) -> Bool {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.send(connection, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }
}
