import Foundation
import Ingest
import LoopbackHTTP
import Testing

@Suite struct FetcherTests {
    @Test func fetchesFromALoopbackServerWithHeadersAndReportsFailuresPerFeed() async throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/feed.xml":
                // Echo the secret header back so the test can see libcurl sent it.
                return .init(
                    status: 200, headers: ["Content-Type": "application/rss+xml; charset=utf-8"],
                    body: Data("<rss>\(request.headers["cookie"] ?? "")</rss>".utf8))
            case "/moved":
                return .init(status: 302, headers: ["Location": "/feed.xml"], body: Data())
            case "/big":
                return .init(status: 200, body: Data(repeating: 0x41, count: 64 * 1024))
            default:
                return .init(status: 404, body: Data("not here".utf8))
            }
        }
        defer { server.stop() }

        var limits = Fetcher.Limits()
        limits.maxBodyBytes = 16 * 1024
        let results = await Fetcher(limits: limits).fetch([
            FetchRequest(feedID: "ok", url: server.url("/feed.xml"), headers: ["Cookie": "SUB=secret"]),
            FetchRequest(feedID: "redirected", url: server.url("/moved")),
            FetchRequest(feedID: "missing", url: server.url("/nothing")),
            FetchRequest(feedID: "too-big", url: server.url("/big")),
        ])

        let ok = try results["ok"]!.get()
        #expect(ok.status == 200)
        #expect(String(decoding: ok.body, as: UTF8.self) == "<rss>SUB=secret</rss>")
        #expect(ok.contentType == "application/rss+xml; charset=utf-8")
        #expect(try results["redirected"]!.get().status == 200)
        #expect(throws: IngestError.httpStatus(feed: "missing", status: 404)) { try results["missing"]!.get() }
        #expect(throws: IngestError.fetchFailed(feed: "too-big", reason: "返回内容超过 16384 字节，已停止接收")) {
            try results["too-big"]!.get()
        }
    }

    @Test func fetchesAFileURLButNeverRedirectsToOne() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("export.ndjson")
        try Data("{\"id\":\"1\"}\n".utf8).write(to: file)

        let server = try LoopbackHTTPServer { _ in
            .init(status: 302, headers: ["Location": file.absoluteString], body: Data())
        }
        defer { server.stop() }

        let results = await Fetcher().fetch([
            FetchRequest(feedID: "local", url: file.absoluteString),
            FetchRequest(feedID: "sneaky", url: server.url("/to-file")),
        ])
        #expect(String(decoding: try results["local"]!.get().body, as: UTF8.self) == "{\"id\":\"1\"}\n")
        // libcurl refuses the redirect itself; the file's bytes never come back.
        guard case .failure(.fetchFailed(let feed, let reason)) = results["sneaky"]! else {
            Issue.record("a redirect to file:// must fail")
            return
        }
        #expect(feed == "sneaky")
        #expect(reason.lowercased().contains("protocol"))
    }

    @Test func anUnreachablePortFailsOnlyThatFeed() async throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 200, body: Data("ok".utf8)) }
        let deadURL = server.url("/gone")
        server.stop()
        let live = try LoopbackHTTPServer { _ in .init(status: 200, body: Data("ok".utf8)) }
        defer { live.stop() }

        let results = await Fetcher().fetch([
            FetchRequest(feedID: "dead", url: deadURL),
            FetchRequest(feedID: "live", url: live.url("/")),
        ])
        #expect(throws: IngestError.self) { try results["dead"]!.get() }
        #expect(try results["live"]!.get().body == Data("ok".utf8))
    }
}

@Suite struct ConditionalFetchTests {
    @Test func validatorsAreSentAndA304IsUnchangedNotAnError() async throws {
        let server = try LoopbackHTTPServer { request in
            if request.headers["if-none-match"] == "\"v1\"" || request.headers["if-modified-since"] == "Thu, 05 Dec 2024 12:00:00 GMT" {
                return .init(status: 304, body: Data())
            }
            return .init(
                status: 200, headers: ["ETag": "\"v1\"", "Last-Modified": "Thu, 05 Dec 2024 12:00:00 GMT"],
                body: Data("<rss/>".utf8))
        }
        defer { server.stop() }
        let fetcher = Fetcher()
        let first = try await fetcher.fetch([FetchRequest(feedID: "f", url: server.url("/feed"))])["f"]!.get()
        #expect(first.status == 200)
        #expect(first.etag == "\"v1\"")
        #expect(first.lastModified == "Thu, 05 Dec 2024 12:00:00 GMT")
        #expect(!first.isUnchanged)

        let byETag = try await fetcher.fetch([FetchRequest(feedID: "f", url: server.url("/feed"), etag: first.etag)])["f"]!.get()
        #expect(byETag.isUnchanged)
        #expect(byETag.body.isEmpty)
        let byDate = try await fetcher.fetch([FetchRequest(feedID: "f", url: server.url("/feed"), lastModified: first.lastModified)])["f"]!
            .get()
        #expect(byDate.isUnchanged)
    }
}

@Suite struct RetryAfterTests {
    @Test func aTooManyRequestsAnswerCarriesItsRetryAfter() async throws {
        let server = try LoopbackHTTPServer { _ in
            .init(status: 429, headers: ["Retry-After": "120"], body: Data("slow down".utf8))
        }
        defer { server.stop() }
        let result = await Fetcher().fetch([FetchRequest(feedID: "busy", url: server.url("/"))])["busy"]!
        #expect(throws: IngestError.httpStatus(feed: "busy", status: 429, retryAfter: 120)) { try result.get() }
    }
}
