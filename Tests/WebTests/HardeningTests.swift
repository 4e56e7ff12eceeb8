import Foundation
import Hummingbird
import Logging
import Model
import NIOCore
import Store
import Testing

@testable import Web

#if canImport(Glibc)
    import Glibc
#endif

/// What an attacker without an account tried on the real server, and what it gets: a body
/// dripped a byte at a time is cut at the request deadline; a declared body over the
/// limit is refused at its head; connections past the limit are closed as they come (the
/// process keeps its files); a form of thousands of parts is refused before it is parsed;
/// a NUL in a field or an id is no value.
@Suite struct HardeningTests {
    typealias RawClient = ServerLimitsTests.RawClient

    /// The server on an ephemeral port. The request deadline is short only where a test
    /// waits it out: elsewhere a slow answer on a loaded machine must not be taken for a cut.
    func server(
        _ fixture: WebFixture, maxConnections: Int, perAddress: Int? = nil, requestDeadline: TimeAmount = .seconds(120)
    ) async throws -> (port: Int, task: Task<Void, any Error>) {
        let ports = AsyncStream<Int>.makeStream()
        let app = Application(
            router: fixture.app.makeRouter(),
            server: WebServer.http1(
                idleTimeout: .seconds(5), requestDeadline: requestDeadline, maxConnections: maxConnections, perAddress: perAddress),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "test"))
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.stream.makeAsyncIterator()
        return (try #require(await iterator.next()), task)
    }

    @Test func slowBodiesLargeBodiesAndTooManyConnectionsAreCutOff() async throws {
        let fixture = try await WebFixture()
        // A body a byte every half second: never idle, closed at the deadline all the same
        // (uncut, the last byte comes after 29 s and the idle timeout closes 5 s later).
        let (slowPort, slowTask) = try await server(fixture, maxConnections: 4, perAddress: 4, requestDeadline: .seconds(2))
        defer { slowTask.cancel() }
        let dripping = try RawClient(port: slowPort)
        dripping.send(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60\r\n\r\n")
        let started = Date()
        let dripper = Task.detached {
            for _ in 0..<58 {
                dripping.send("a")
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        defer { dripper.cancel() }
        #expect(await dripping.answerUntilClosed() == "")
        #expect(Date().timeIntervalSince(started) < 20)

        let (port, task) = try await server(fixture, maxConnections: 4, perAddress: 4)
        defer { task.cancel() }

        // A body declared larger than any form takes: 413 at its head, not a byte read.
        let huge = try RawClient(port: port)
        huge.send("POST /cases/DB-1/act HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 40000000\r\n\r\n")
        #expect(await huge.answerUntilClosed()?.hasPrefix("HTTP/1.1 413") == true)
        // A login form declared over its 64 KB: refused before its body comes.
        let form = try RawClient(port: port)
        form.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 70000\r\n\r\n")
        #expect(await form.answerUntilClosed()?.hasPrefix("HTTP/1.1 413") == true)

        // Four connections held open; a fifth is closed as it comes, with no answer.
        var held = try (0..<4).map { _ in try RawClient(port: port) }
        try await Task.sleep(for: .milliseconds(300))
        let extra = try RawClient(port: port)
        extra.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await extra.answerUntilClosed() == "")
        // Let go: a new connection is served again.
        for client in held { client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") }
        for client in held { #expect(await client.answerUntilClosed()?.hasPrefix("HTTP/1.1 200") == true) }
        // Their sockets closed on this side too (until then each still holds a file there).
        held.removeAll()
        try await Task.sleep(for: .milliseconds(300))
        let again = try RawClient(port: port)
        again.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let answer = await again.answerUntilClosed()
        #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "\(String(describing: answer?.prefix(80)))")
    }

    /// One address holds at most its share of the connections: the rest stay for others
    /// (here the share is 2 of 8, and this test's client is the one address).
    @Test func oneAddressCannotTakeEveryConnection() async throws {
        let fixture = try await WebFixture()
        let (port, task) = try await server(fixture, maxConnections: 8)
        defer { task.cancel() }
        let held = try (0..<2).map { _ in try RawClient(port: port) }
        try await Task.sleep(for: .milliseconds(300))
        let third = try RawClient(port: port)
        third.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await third.answerUntilClosed() == "")
        withExtendedLifetime(held) {}
    }

    @Test func aFormOfThousandsOfPartsAndNULsAreRefused() async throws {
        let fixture = try await WebFixture()
        let admin = try await fixture.signedIn("admin")
        let token = try await admin.csrf()
        // Thousands of tiny parts: 400 before the form is parsed.
        let parts = try await admin.post(
            "/accounts/action", form: [("csrf", token)] + (0..<300).map { ("f\($0)", "a") }, files: [])
        #expect(parts.status == .badRequest && parts.body.contains("表单项过多"), "\(parts.status)")
        // A wrong token is refused before the body is parsed, whatever the body holds.
        let hostile = [("csrf", "not-the-token")] + [("f", String(repeating: "\r\n-", count: 10_000))]
        #expect(try await admin.post("/accounts/action", form: hostile, files: []).status == .forbidden)
        #expect(
            try await admin.send(
                .post, "/accounts/action", body: String(repeating: "a&", count: 20_000) + "csrf=wrong",
                headers: [.contentType: "application/x-www-form-urlencoded"]
            ).status == .forbidden)
        // A NUL makes a name no name: the administrator's own account cannot be reached so.
        let own = try await admin.send(
            .post, "/api/accounts/action", body: "csrf=\(token)&action=disable&name=admin%00x",
            headers: [.contentType: "application/x-www-form-urlencoded"])
        #expect(own.status != .ok)
        #expect(try await fixture.database.account(named: "admin")?.account.disabledAt == nil)
        // Nor an id: the record is not found by a cut one.
        #expect(try await admin.get("/items/demo-petitions%3AXF-2024-1201%00abc").status == .badRequest)
    }
}
