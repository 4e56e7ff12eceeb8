import Foundation
import Hummingbird
import Logging
import NIOCore
import Testing
import Web

#if canImport(Glibc)
    import Glibc
#endif

/// The real server on 127.0.0.1: a request head dripped byte by byte, or an idle
/// connection, is closed after the idle timeout; a body over the limit gets 413 and its
/// connection is closed.
@Suite struct ServerLimitsTests {
    /// A raw TCP client, to send what no well-behaved client sends.
    final class RawClient: Sendable {
        let socket: Int32

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            // A read gives up after 20 s: the tests fail rather than hang.
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(socket) }

        func send(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(socket, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        }

        /// `readUntilClosed` on a Dispatch thread: a blocking read on one of the few
        /// cooperative threads would starve the server under test (and the other suites'
        /// servers) of the threads that answer.
        func answerUntilClosed() async -> String? {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: self.readUntilClosed()) }
            }
        }

        /// Everything until the server closes the connection; nil when it is still open
        /// after the read timeout.
        func readUntilClosed() -> String? {
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count == 0 { return String(decoding: received, as: UTF8.self) }
                if count < 0 { return errno == ECONNRESET ? String(decoding: received, as: UTF8.self) : nil }
                received += buffer[..<count]
            }
        }
    }

    @Test func slowHeadsAndIdleConnectionsAreClosedAndA413ClosesItsConnection() async throws {
        let fixture = try await WebFixture()
        let ports = AsyncStream<Int>.makeStream()
        let app = Application(
            router: fixture.app.makeRouter(),
            server: WebServer.http1(idleTimeout: .seconds(1)),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "test"))
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var iterator = ports.stream.makeAsyncIterator()
        let port = try #require(await iterator.next())

        // A well-formed request is answered.
        let plain = try RawClient(port: port)
        plain.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(await plain.answerUntilClosed()?.hasPrefix("HTTP/1.1 200") == true)

        // A head that never ends, sent a byte every 0.2 s: closed with no answer (uncut, the
        // drip lasts 40 s; the client's read gives up after 20).
        let dripping = try RawClient(port: port)
        let started = Date()
        let head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + String(repeating: "a", count: 160)
        let dripper = Task.detached {
            for byte in head.map(String.init) {
                dripping.send(byte)
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        defer { dripper.cancel() }
        #expect(await dripping.answerUntilClosed() == "")
        #expect(Date().timeIntervalSince(started) < 30)

        // A kept-alive connection with no next request is closed too.
        let idle = try RawClient(port: port)
        idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await idle.answerUntilClosed()?.hasPrefix("HTTP/1.1 200") == true)

        // A form far over the limit: 413, and the connection closed without reading the rest.
        let large = try RawClient(port: port)
        large.send(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 100000000\r\n\r\n" + String(repeating: "a", count: 70 * 1024))
        let answer = try #require(await large.answerUntilClosed())
        #expect(answer.hasPrefix("HTTP/1.1 413"))
        #expect(answer.lowercased().contains("connection: close"))
    }
}
