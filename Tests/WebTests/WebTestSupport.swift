import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Model
import Monitor
import NIOCore
import NIOEmbedded
import Register
import Scoring
import Store
import TestStores
import Web

/// A demo store in a real SQLite file (the bundled demo run, as of 2024-12-31), an account
/// per role, and the web app's router answering in-process requests.
final class WebFixture: Sendable {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let asOf = Day(year: 2024, month: 12, day: 31)!
    /// The clock of the app: the evening of the as-of day.
    static let now = Date(timeIntervalSince1970: 1_735_650_000)  // 2024-12-31 21:00 Beijing
    static let password = "correct-horse-9"

    let folder: URL
    let monitor: Monitor
    let keeper: SnapshotKeeper
    let app: WebApp
    let responder: RouterResponder<WebContext>

    /// The answer to a decision waits for the register however long it takes (the tests
    /// read the register right after).
    static var settings: WebApp.Settings {
        var settings = WebApp.Settings()
        settings.decisionWait = .seconds(120)
        return settings
    }

    init(settings: WebApp.Settings = WebFixture.settings, logger: Logger = Logger(label: "wagewatch")) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        monitor = Monitor(
            database: try TestStores.open(folder: folder, name: "web.sqlite"),
            feedsDirectory: Self.root.appendingPathComponent("feeds"),
            rulesDirectory: Self.root.appendingPathComponent("rules"),
            environment: [:], logger: logger)
        let demo = Self.root.appendingPathComponent("feeds/demo")
        _ = try await monitor.importRegistry(path: demo.appendingPathComponent("registry.csv").path)
        let filed = Day(year: 2025, month: 1, day: 2)!
        _ = try await monitor.importReports(path: demo.appendingPathComponent("reports-2024-11.csv").path, today: filed)
        _ = try await monitor.importReports(path: demo.appendingPathComponent("reports-2024-12.csv").path, today: filed)
        _ = try await monitor.runCycle(asOf: Self.asOf, windowDays: 30)
        for role in Role.allCases {
            // The department account answers for 市住建局; department2 for 市教育局.
            try await monitor.database.addAccount(
                Account(
                    name: role.rawValue, role: role, createdAt: Self.now,
                    unit: role == .department ? .init(kind: .department, name: "市住建局") : nil),
                passwordHash: try Passwords.hash(Self.password, cost: 4))
        }
        try await monitor.database.addAccount(
            Account(name: "department2", role: .department, createdAt: Self.now, unit: .init(kind: .department, name: "市教育局")),
            passwordHash: try Passwords.hash(Self.password, cost: 4))
        try await monitor.database.addAccount(
            Account(name: "petition2", role: .petition, createdAt: Self.now),
            passwordHash: try Passwords.hash(Self.password, cost: 4))
        let normalizer = TextNormalizer()
        keeper = SnapshotKeeper(monitor: monitor, asOf: { Self.asOf }, now: { Self.now })
        // The node also serves a province of one city, its own store (the province role's pages).
        app = try WebApp(
            monitor: monitor, keeper: keeper, settings: settings, fold: { normalizer.normalize($0) },
            now: { Self.now },
            province: ProvinceKeeper(
                province: "示例省", cities: [.init(code: "qingchuan", name: "青川市", monitor: monitor)], logger: monitor.logger,
                asOf: { Self.asOf }, now: { Self.now }))
        responder = app.makeRouter().buildResponder()
    }

    deinit {
        if ProcessInfo.processInfo.environment["KEEP"] == nil { try? FileManager.default.removeItem(at: folder) }
    }

    var database: AppDatabase { monitor.database }

    /// A second web node on the same store: its own connections, kept register, page cache
    /// and counters, as a `serve` process on another machine has.
    func anotherNode(settings: WebApp.Settings = WebFixture.settings) throws -> (app: WebApp, browser: @Sendable () -> TestBrowser) {
        try Self.node(try monitor(of: "web.sqlite"), settings: settings)
    }

    /// A monitor over the store `name` of this fixture's folder, on its own connections.
    func monitor(of name: String) throws -> Monitor {
        Monitor(
            database: try TestStores.open(folder: folder, name: name),
            feedsDirectory: Self.root.appendingPathComponent("feeds"),
            rulesDirectory: Self.root.appendingPathComponent("rules"),
            environment: [:])
    }

    /// A web node over `monitor`'s store, with the province's pages over `province`.
    static func node(
        _ monitor: Monitor, settings: WebApp.Settings = WebFixture.settings, province: ProvinceKeeper? = nil
    ) throws -> (app: WebApp, browser: @Sendable () -> TestBrowser) {
        let normalizer = TextNormalizer()
        let app = try WebApp(
            monitor: monitor, keeper: SnapshotKeeper(monitor: monitor, asOf: { Self.asOf }, now: { Self.now }), settings: settings,
            fold: { normalizer.normalize($0) }, now: { Self.now }, province: province)
        let responder = app.makeRouter().buildResponder()
        return (app, { TestBrowser(responder: responder) })
    }

    /// A browser without cookies.
    func client() -> TestBrowser { TestBrowser(responder: responder) }

    /// A browser signed in as `name`.
    func signedIn(_ name: String) async throws -> TestBrowser {
        let browser = client()
        let response = try await browser.logIn(name, password: Self.password)
        precondition(response.status == .seeOther, "login of \(name) failed: \(response.status)")
        return browser
    }
}

/// What came back.
struct TestResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String
    /// The body as sent (a downloaded file).
    var bytes: [UInt8] = []

    /// The `Set-Cookie` lines.
    var setCookies: [String] { headers[values: .setCookie] }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
    }
}

/// Sends requests straight to the router, keeping cookies as a browser would.
final class TestBrowser: @unchecked Sendable {
    let responder: RouterResponder<WebContext>
    private(set) var cookies: [String: String] = [:]
    private let lock = NSLock()

    init(responder: RouterResponder<WebContext>) {
        self.responder = responder
    }

    func get(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(.get, path, body: nil, headers: headers)
    }

    func post(
        _ path: String, form: [(String, String)], headers: HTTPFields = [:], authority: String = "localhost"
    )
        async throws -> TestResponse
    {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(.post, path, body: body, headers: headers, authority: authority)
    }

    /// A `multipart/form-data` POST: `form`'s fields, then `files` (field name, file name, bytes).
    func post(_ path: String, form: [(String, String)], files: [(String, String, [UInt8])]) async throws -> TestResponse {
        let boundary = "----wagewatch-test-7d1f"
        var body: [UInt8] = []
        for (name, value) in form {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, filename, bytes) in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8)
            body += bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return try await send(
            .post, path, body: nil, bytes: body, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"])
    }

    func send(
        _ method: HTTPRequest.Method, _ path: String, body: String?, bytes: [UInt8]? = nil, headers: HTTPFields,
        authority: String = "localhost"
    )
        async throws -> TestResponse
    {
        var headers = headers
        let jar = lock.withLock { cookies }
        if !jar.isEmpty {
            headers[.cookie] = jar.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        if let body { headers[.contentLength] = "\(body.utf8.count)" }
        if let bytes { headers[.contentLength] = "\(bytes.count)" }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: headers),
            body: RequestBody(buffer: bytes.map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: body ?? "")))
        let context = WebContext(
            source: ApplicationRequestContextSource(
                channel: NIOAsyncTestingChannel(),
                logger: Logger(label: "test")))
        let response = try await responder.respond(to: request, context: context)
        let collector = BodyCollector()
        let writer: any ResponseBodyWriter = collector
        try await response.body.write(writer)
        let result = TestResponse(
            status: response.status, headers: response.headers, body: String(buffer: collector.buffer),
            bytes: Array(collector.buffer.readableBytesView))
        lock.withLock {
            for line in result.setCookies {
                let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(pair[0])
                let value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
        }
        return result
    }

    func setCookie(_ name: String, _ value: String?) {
        lock.withLock { cookies[name] = value }
    }

    /// Opens the login form and sends it.
    func logIn(_ name: String, password: String) async throws -> TestResponse {
        let form = try await get("/login")
        let token = try require(Self.field("token", in: form.body), "login token")
        return try await post("/login", form: [("token", token), ("name", name), ("password", password), ("next", "")])
    }

    /// The session's CSRF token, read off a page's logout form.
    func csrf() async throws -> String {
        let page = try await get("/projects")
        return try require(Self.field("csrf", in: page.body), "csrf token")
    }

    static func field(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}

/// Collects a response's body.
final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// `#require` for helpers outside a test.
func require<Value>(_ value: Value?, _ what: String = "value") throws -> Value {
    guard let value else { throw MissingValue(what: what) }
    return value
}

struct MissingValue: Error {
    var what: String
}
