import Foundation
import Ingest
import Model
import Testing

@Suite struct FeedCatalogTests {
    @Test func loadsTheDemoCatalogAndResolvesRelativeFileURLs() throws {
        let catalog = try FeedCatalog.load(directory: Repository.file("feeds"))
        #expect(catalog.feeds.map(\.id) == ["demo-petitions", "demo-weibo", "demo-forum"])
        let petitions = catalog.feeds[0]
        #expect(petitions.kind == .petition)
        #expect(petitions.format == .petitionNDJSON)
        #expect(petitions.url == Repository.file("feeds/demo/petitions.ndjson").standardizedFileURL.absoluteString)
        #expect(catalog.feeds[1].channel == "微博")
    }

    @Test func fileURLsStayInTheFeedsFolderOrAFolderTheCatalogAllows() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let exports = directory.appendingPathComponent("exports")
        let feeds = directory.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: feeds.appendingPathComponent("local"), withIntermediateDirectories: true)
        // A link inside the folder that leads out of it.
        try FileManager.default.createSymbolicLink(
            atPath: feeds.appendingPathComponent("local/passwd").path,
            withDestinationPath: "/etc/passwd")
        func load(_ url: String, roots: String = "") throws -> [FeedDefinition] {
            try (roots + "feeds:\n  - {id: x, kind: post, format: rss, url: \"\(url)\"}\n")
                .write(to: feeds.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
            return try FeedCatalog.load(directory: feeds).feeds
        }
        #expect(try load("file:local/a.xml").count == 1)
        for url in ["file:///etc/passwd", "file:../exports/a.xml", "file:local/../../exports/a.xml", "file:local/passwd"] {
            #expect(throws: IngestError.self, "\(url)") { _ = try load(url) }
        }
        do {
            _ = try load("file:///etc/shadow")
        } catch {
            #expect("\(error)".contains("在数据源配置文件夹之外") && "\(error)".contains("file_roots"))
        }
        // Allowed by name, relative to the catalog's folder or absolute.
        #expect(try load("file:../exports/a.xml", roots: "file_roots: [../exports]\n").count == 1)
        #expect(try load(exports.appendingPathComponent("a.xml").absoluteString, roots: "file_roots: [\(exports.path)]\n").count == 1)
        #expect(throws: IngestError.self) { _ = try load("file:///etc/passwd", roots: "file_roots: [../exports]\n") }
    }

    @Test func aBadCatalogNamesTheFileAndField() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "feeds:\n  - id: x\n    kind: post\n    format: atom99\n    url: https://example.invalid/\n"
            .write(to: directory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        #expect {
            try FeedCatalog.load(directory: directory)
        } throws: { error in
            guard case IngestError.badCatalog(let file, let reason) = error else { return false }
            return file == "bad.yaml" && reason.contains("第 4 行第 13 列：无法识别的 format 取值 atom99")
                && reason.contains("应为 rss、atom、json_feed")
        }
    }

    @Test(arguments: [
        (
            "feeds:\n  - id: x\n    kind: post\n    format: rss\n    url: file:a.xml\n    hedaers: {Cookie: a}\n",
            "第 6 行第 5 列：无法识别的字段 hedaers"
        ),
        ("feeds:\n  - id: \"\"\n    kind: post\n    format: rss\n    url: file:a.xml\n", "第 2 行第 9 列：数据源的 id 不得为空"),
        ("feed:\n  - id: x\n", "第 1 行第 1 列：无法识别的字段 feed"),
        // A feed without a url, a value of the wrong kind, a bad interval, a file out of bounds:
        // each says the line of its feed.
        (
            "feeds:\n  - id: a\n    kind: post\n    format: rss\n    url: file:a.xml\n  - id: b\n    kind: post\n    format: rss\n",
            "第 6 行第 5 列：此数据源缺少 url: 字段"
        ),
        (
            "feeds:\n  - {id: a, kind: post, format: rss, url: file:a.xml}\n  - {id: b, kind: post, format: rss, url: file:b.xml, headers: [1, 2]}\n",
            "第 3 行：feeds[1].headers"
        ),
        (
            "feeds:\n  - {id: a, kind: post, format: rss, url: file:a.xml}\n\n  - {id: b, kind: post, format: rss, url: file:b.xml, interval: soon}\n",
            "第 4 行：数据源 b：抓取间隔 interval"
        ),
        ("feeds:\n  - {id: a, kind: post, format: rss, url: \"file:///etc/passwd\"}\n", "第 2 行：数据源 a：/etc/passwd 在数据源配置文件夹之外"),
    ])
    func anUnknownFieldOrAnEmptyIdNamesLineAndColumn(text: String, message: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try text.write(to: directory.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
        #expect {
            try FeedCatalog.load(directory: directory)
        } throws: { error in
            guard case IngestError.badCatalog(let file, let reason) = error else { return false }
            return file == "c.yaml" && reason.contains(message)
        }
    }

    @Test func aFeedIdUsedTwiceNamesBothPlaces() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "feeds:\n  - {id: a, kind: post, format: rss, url: file:a.xml}\n".write(
            to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "feeds:\n  - {id: b, kind: post, format: rss, url: file:b.xml}\n  - {id: a, kind: post, format: rss, url: file:c.xml}\n"
            .write(to: directory.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        #expect {
            try FeedCatalog.load(directory: directory)
        } throws: { error in
            guard case IngestError.duplicateFeed(let id, let files) = error else { return false }
            return id == "a" && files == ["a.yaml 第 2 行", "b.yaml 第 3 行"]
        }
    }

    @Test func feedIntervalsAreDurationsAndABadOneNamesFileAndFeed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let feeds = [("a", "90s"), ("b", "15m"), ("c", "2h"), ("d", "1d"), ("e", "600")]
            .map { "  - {id: \($0.0), kind: post, format: rss, url: \"https://example.invalid/\($0.0)\", interval: \($0.1)}\n" }
        try ("feeds:\n" + feeds.joined()).write(to: directory.appendingPathComponent("ok.yaml"), atomically: true, encoding: .utf8)
        #expect(try FeedCatalog.load(directory: directory).feeds.map(\.interval) == [90, 900, 7200, 86_400, 600])

        for bad in ["soon", "inf", "30d", "0s"] {
            try "feeds:\n  - {id: slow, kind: post, format: rss, url: \"https://example.invalid/\", interval: \(bad)}\n"
                .write(to: directory.appendingPathComponent("ok.yaml"), atomically: true, encoding: .utf8)
            #expect {
                try FeedCatalog.load(directory: directory)
            } throws: { error in
                guard case IngestError.badCatalog(let file, let reason) = error else { return false }
                return file == "ok.yaml" && reason.contains("数据源 slow") && reason.contains("\"\(bad)\"")
            }
        }
    }

    @Test func headerTemplatesReadTheEnvironmentAndNameMissingVariables() throws {
        let value = try HeaderTemplate.expand("SUB=${WEIBO_COOKIE}; v=1", feed: "weibo", environment: ["WEIBO_COOKIE": "abc"])
        #expect(value == "SUB=abc; v=1")
        #expect(throws: IngestError.missingEnvironment(feed: "weibo", variable: "WEIBO_COOKIE")) {
            try HeaderTemplate.expand("SUB=${WEIBO_COOKIE}", feed: "weibo", environment: [:])
        }
    }

    @Test func feedDescriptionsLeaveHeaderValuesOut() {
        let feed = FeedDefinition(
            id: "weibo", kind: .post, format: .rss, url: "https://rsshub.example.invalid/weibo",
            headers: ["Cookie": "SUB=${WEIBO_COOKIE}"])
        #expect(!"\(feed)".contains("Cookie"))
        #expect(!"\(feed)".contains("WEIBO_COOKIE"))
    }

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
