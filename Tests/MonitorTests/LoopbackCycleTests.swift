import Foundation
import LoopbackHTTP
import Model
import Monitor
import Store
import TestStores
import Testing

/// Whole cycles against feeds served on 127.0.0.1: what each kind of bad feed
/// leaves in the store (nothing of its own, an error in its state) while the
/// good feeds of the same cycle are stored.
@Suite struct LoopbackCycleTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func rss(_ title: Data) -> Data {
        Data("<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>".utf8) + title
            + Data("</title><description>工资没发</description></item></channel></rss>".utf8)
    }

    /// 拖欠工资 in GBK, as servers that say gb2312 really send it.
    static let gbkTitle = Data([0xCD, 0xCF, 0xC7, 0xB7, 0xB9, 0xA4, 0xD7, 0xCA])

    static func answer(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        switch request.path {
        case "/normal.xml":
            if request.headers["if-none-match"] == "\"n1\"" { return .init(status: 304, body: Data()) }
            return .init(
                status: 200, headers: ["ETag": "\"n1\"", "Content-Type": "application/rss+xml"],
                body: rss(Data("城东工地欠薪".utf8)))
        case "/gb2312.xml":
            return .init(status: 200, body: Data("<?xml version=\"1.0\" encoding=\"gb2312\"?>".utf8) + rss(gbkTitle))
        case "/charset-in-header.xml":
            return .init(status: 200, headers: ["Content-Type": "text/xml; charset=GBK"], body: rss(gbkTitle))
        case "/cut.xml":
            // The connection dropped inside the second item, after the headers came.
            let whole = rss(Data("城东工地欠薪".utf8))
            let cut =
                whole.prefix(whole.count - "</channel></rss>".utf8.count)
                + Data("<item><guid>2</guid><title>两个月".utf8)
            return .init(status: 200, headers: ["ETag": "\"c1\""], body: Data(cut))
        case "/malformed.xml":
            // Beyond what libxml2's recovering parser can read (a tag closed by the wrong name is read).
            return .init(status: 200, body: Data("<?xml version=\"1.0\"?>\n<<<rss>>><item><title>欠薪".utf8))
        case "/xxe.xml":
            return .init(
                status: 200,
                body: Data(
                    """
                    <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
                    <rss><channel><item><guid>1</guid><title>&secret;</title></item></channel></rss>
                    """.utf8))
        case "/laughs.xml":
            var entities = "<!ENTITY lol \"lol\">"
            for level in 1...9 {
                entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">"
            }
            return .init(
                status: 200,
                body: Data(
                    "<?xml version=\"1.0\"?><!DOCTYPE rss [\(entities)]><rss><channel><item><guid>1</guid><title>&lol9;</title></item></channel></rss>"
                        .utf8))
        case "/error":
            return .init(status: 500, body: Data("oops".utf8))
        default:
            return .init(status: 404, body: Data())
        }
    }

    @Test func errorsNameTheURLWithoutWhatMayBeASecret() {
        #expect(
            FeedDefinition.displayURL("https://user:pw@rsshub.example/weibo/keyword/1?key=SECRET&limit=50")
                == "https://rsshub.example/weibo/keyword/1?…")
        #expect(FeedDefinition.displayURL("file:///srv/feeds/petitions.ndjson") == "file:///srv/feeds/petitions.ndjson")
    }

    @Test func badFeedsStoreNothingAndRecordTheirErrorWhileGoodOnesAreStored() async throws {
        let server = try LoopbackHTTPServer(handler: Self.answer)
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-loop-\(UUID().uuidString)")
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = ["normal", "gb2312", "charset-in-header", "malformed", "xxe", "laughs", "error"]
        let catalog =
            "feeds:\n"
            + names.map { name in
                let path = name == "error" ? "/error" : "/\(name).xml"
                return "  - {id: \(name), kind: post, format: rss, url: \"\(server.url(path))\"}\n"
            }.joined()
        try catalog.write(to: feeds.appendingPathComponent("loop.yaml"), atomically: true, encoding: .utf8)
        let database = try TestStores.open(folder: folder)
        let monitor = Monitor(
            database: database, feedsDirectory: feeds,
            rulesDirectory: Self.root.appendingPathComponent("rules"), environment: [:])

        let cycle = try await monitor.runCycle(asOf: Day(year: 2025, month: 1, day: 6)!, windowDays: 30)
        let outcome = Dictionary(uniqueKeysWithValues: cycle.feeds.map { ($0.feedID, $0) })
        // The good feeds, GBK declared as gb2312 or only in the Content-Type included.
        for name in ["normal", "gb2312", "charset-in-header"] {
            #expect(outcome[name]?.error == nil, "\(name)")
            #expect(outcome[name]?.added == 1, "\(name)")
        }
        let titles = try await database.allItems().reduce(into: [String: String]()) { $0[$1.feedID] = $1.title }
        #expect(titles == ["normal": "城东工地欠薪", "gb2312": "拖欠工资", "charset-in-header": "拖欠工资"])

        // Each bad feed: its own error, recorded in its state with the line where there is one.
        let states = try await database.feedStates()
        #expect(outcome["malformed"]?.error?.contains("malformed 第 ") == true)
        #expect(outcome["xxe"]?.error?.contains("<!ENTITY") == true)
        #expect(outcome["laughs"]?.error?.contains("<!ENTITY") == true)
        #expect(outcome["error"]?.error?.contains("500") == true)
        #expect(outcome["error"]?.error?.hasSuffix("(\(server.url("/error")))") == true)
        for name in ["malformed", "xxe", "laughs", "error"] {
            #expect(states[name]?.errorCount == 1, "\(name)")
            #expect(states[name]?.lastError == outcome[name]?.error, "\(name)")
            #expect(states[name]?.etag == nil, "\(name)")
        }
        #expect(try await database.itemCount() == 3)
        // The validators came with the items: the next fetch of the good feed is a 304.
        #expect(states["normal"]?.etag == "\"n1\"")
        let again = try await monitor.runCycle(
            asOf: Day(year: 2025, month: 1, day: 6)!, windowDays: 30,
            only: ["normal"])
        #expect(again.feeds.map(\.isUnchanged) == [true])
    }

    @Test func aBodyCutShortIsStoredForWhatItHoldsButItsValidatorsAreNotKept() async throws {
        let server = try LoopbackHTTPServer(handler: Self.answer)
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-cut-\(UUID().uuidString)")
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "feeds:\n  - {id: cut, kind: post, format: rss, url: \"\(server.url("/cut.xml"))\"}\n"
            .write(to: feeds.appendingPathComponent("cut.yaml"), atomically: true, encoding: .utf8)
        let database = try TestStores.open(folder: folder)
        let monitor = Monitor(
            database: database, feedsDirectory: feeds,
            rulesDirectory: Self.root.appendingPathComponent("rules"), environment: [:])
        let day = Day(year: 2025, month: 1, day: 6)!
        let first = try await monitor.runCycle(asOf: day, windowDays: 30)
        #expect(first.feeds.map(\.added) == [1])
        #expect(first.feeds.map(\.isRecovered) == [true])
        #expect(try await database.feedStates()["cut"]?.etag == nil)
        // Source health says so: the register's warnings and the sources page read it.
        let warning = try await database.feedStates()["cut"]?.healthWarning(at: Date())
        #expect(warning?.contains("中断") == true)
        #expect(first.register.sourceHealth.map(\.feed) == ["cut"])
        // No 304 next time: the feed is fetched whole again, and nothing is stored twice.
        let again = try await monitor.runCycle(asOf: day, windowDays: 30)
        #expect(again.feeds.map(\.isUnchanged) == [false])
        #expect(try await database.itemCount() == 1)
    }
}
