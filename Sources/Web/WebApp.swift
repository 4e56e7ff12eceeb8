import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Model
import Monitor
import Mustache
import NIOCore
import Scoring
import Store
import Synchronization

/// The web UI (`wagewatch serve`): server-rendered pages in Chinese, each with a JSON twin
/// under `/api/`, on the store the CLI uses. Every page and endpoint checks the caller's
/// role on the server; every form carries the session's CSRF token; stored text is
/// escaped by the templates.
public struct WebApp: Sendable {
    /// Settings a deployment may change; tests shorten the hash cost.
    public struct Settings: Sendable {
        /// How long a session lasts without signing in again.
        public var sessionLifetime: TimeInterval = 12 * 3600
        /// How long a claim on a queue item holds against other reviewers.
        public var claimLease: TimeInterval = 30 * 60
        /// Failed logins allowed per name, and per address, within `throttleWindow`.
        public var loginAttempts = 5
        public var addressAttempts = 20
        /// The address of a reverse proxy whose `X-Forwarded-For` names the browser.
        public var trustedProxy: String?
        public var throttleWindow: TimeInterval = 15 * 60
        /// Rows per page of a list.
        public var pageSize = 50
        /// How long the answer to a decision waits for the register to take it in.
        public var decisionWait: Duration = .seconds(2)
        /// Page contents kept (0: none, every page made anew; for measuring).
        public var pageCacheEntries = 2_000

        public init() {}
    }

    let monitor: Monitor
    let keeper: SnapshotKeeper
    let settings: Settings
    let templates: MustacheLibrary
    let throttle: LoginThrottle
    let ruleTitles: [String: String]
    let pageCache: PageCache
    let reviews = ReviewCounter()
    let fold: @Sendable (String) -> String
    let now: @Sendable () -> Date
    var database: AppDatabase { monitor.database }

    /// - Parameters:
    ///   - fold: how search folds text (the scorer's normalizer: traditional to
    ///     simplified, full width to half); the indexer folds the same way.
    public init(monitor: Monitor, keeper: SnapshotKeeper, settings: Settings = Settings(),
                fold: @escaping @Sendable (String) -> String, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.monitor = monitor
        self.keeper = keeper
        self.settings = settings
        self.fold = fold
        self.now = now
        templates = try Templates.library()
        pageCache = PageCache(limit: settings.pageCacheEntries)
        throttle = LoginThrottle(limit: settings.loginAttempts, window: settings.throttleWindow,
                                 limits: ["name": settings.loginAttempts, "address": settings.addressAttempts])
        let rulebook = try monitor.loadRulebook()
        ruleTitles = Dictionary(rulebook.rules.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
    }

    /// The router with every page, endpoint and asset.
    public func makeRouter() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeaders())
        addSessionRoutes(to: router)
        addReviewRoutes(to: router)
        addRegisterRoutes(to: router)
        addAdminRoutes(to: router)
        router.get("static/:name") { _, context in try Assets.response(named: context.parameters.require("name")) }
        router.get("healthz") { _, _ in "ok" }
        return router
    }

    /// Which roles may open each page (its JSON twin alike): the table the tests walk.
    public static let access: [(path: String, roles: Set<Role>)] = [
        ("/queue", [.petition]),
        ("/daily", [.cyberspace, .leader]),
        ("/register", [.cyberspace, .leader]),
        ("/scorecard", [.leader]),
        ("/sources", [.admin, .cyberspace]),
        ("/search", [.petition, .cyberspace, .leader]),
        ("/audit", [.admin, .leader]),
        ("/accounts", [.admin]),
    ]

    static func roles(of path: String) -> Set<Role> {
        access.first { $0.path == path }!.roles
    }

    /// Roles that see petitioners' personal data (names, phone numbers, unmasked text).
    static let seesPersonalData: Set<Role> = [.petition]

    /// The first page of each role.
    static func home(of role: Role) -> String {
        switch role {
        case .petition: "/queue"
        case .cyberspace: "/daily"
        case .leader: "/scorecard"
        case .admin: "/sources"
        }
    }

    // MARK: Answering

    /// A GET page at `path` and its JSON twin at `/api{path}`, for `roles`; `build` makes the
    /// model both show.
    func page<Model: Encodable & Sendable>(
        _ router: Router<WebContext>, _ path: String, roles: Set<Role>, template: String, title: String,
        cached: Bool = false,
        build: @escaping @Sendable (Request, WebContext, WebSession) async throws -> Model
    ) {
        router.get(RouterPath(stringLiteral: path)) { request, context in
            try await answer(request, roles: roles, json: false) { session in
                let frame = try frame(title: title, session: session, path: request.uri.path)
                guard cached else {
                    return htmlResponse(frame: frame, content: try content(template, model: try await build(request, context, session),
                                                                           session: session))
                }
                // Pages of the register read only the kept snapshot and the store as of it
                // (and the claims): their content is made once per snapshot, role and address.
                let key = "\(try await snapshot().generation)|\(session.account.role.rawValue)|\(cacheKey(for: request))"
                if let hit = pageCache.content(for: key) { return htmlResponse(frame: frame, content: hit) }
                let made = try content(template, model: try await build(request, context, session))
                pageCache.keep(made, for: key)
                return htmlResponse(frame: frame, content: made)
            }
        }
        router.get(RouterPath(stringLiteral: "/api" + path)) { request, context in
            try await answer(request, roles: roles, json: true) { session in
                try json(try await build(request, context, session))
            }
        }
    }

    /// A POST at `path` (a form) and `/api{path}`: both need the session's CSRF token, as the
    /// form field `csrf` or the header `X-CSRF-Token`.
    func action(
        _ router: Router<WebContext>, _ path: String, roles: Set<Role>?,
        perform: @escaping @Sendable (Request, WebContext, WebSession, FormFields, Bool) async throws -> Response
    ) {
        for (prefix, isJSON) in [("", false), ("/api", true)] {
            router.post(RouterPath(stringLiteral: prefix + path)) { request, context in
                var request = request
                let buffer = try await request.collectBody(upTo: context.maxUploadSize)
                let form = FormFields(encoded: Substring(String(buffer: buffer)))
                return try await answer(request, roles: roles, json: isJSON) { session in
                    let token = form["csrf"] ?? request.headers[HTTPField.Name("X-CSRF-Token")!]
                    guard let token, Token.equal(token, session.csrf), Self.sameOrigin(request) else {
                        throw WebError(status: .forbidden, message: "表单已失效或来源不明，请刷新页面后重试（CSRF 校验失败）")
                    }
                    return try await perform(request, context, session, form, isJSON)
                }
            }
        }
    }

    /// A request with an `Origin` or `Sec-Fetch-Site` header from another site is refused
    /// (a second line behind the token).
    static func sameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" { return false }
        guard let origin = request.headers[.origin], origin != "null" else { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    /// The caller's session checked against `roles`, then `respond`; errors become an HTML
    /// page or a JSON object with their status.
    func answer(_ request: Request, roles: Set<Role>?, json isJSON: Bool,
                _ respond: (WebSession) async throws -> Response) async throws -> Response {
        do {
            guard let session = try currentSession(request) else {
                if isJSON { return try json(["error": "未登录"], status: .unauthorized) }
                let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return redirect(to: "/login?next=" + Self.percentEncoded(next))
            }
            if let roles, !roles.contains(session.account.role) {
                throw WebError(status: .forbidden, message: "当前角色（\(session.account.role.label)）无权访问此页面")
            }
            return try await respond(session)
        } catch let error as WebError {
            return try failure(error, json: isJSON, session: try? currentSession(request), path: request.uri.path)
        } catch let error as StoreError {
            let status: HTTPResponse.Status = if case .claimedByAnother = error { .conflict } else { .badRequest }
            return try failure(WebError(status: status, message: "\(error)"), json: isJSON,
                               session: try? currentSession(request), path: request.uri.path)
        } catch {
            // Only the kind of error is logged: a database error's text may quote stored values.
            monitor.logger.error("\(request.method) \(request.uri.path) failed: \(type(of: error))")
            return try failure(WebError(status: .internalServerError, message: "服务器内部错误，请稍后重试或联系管理员"),
                               json: isJSON, session: nil, path: request.uri.path)
        }
    }

    func currentSession(_ request: Request) throws -> WebSession? {
        guard let id = request.cookie(SessionCookie.name) else { return nil }
        return try database.session(id: id, now: now())
    }

    func failure(_ error: WebError, json isJSON: Bool, session: WebSession?, path: String) throws -> Response {
        if isJSON { return try json(["error": error.message], status: error.status) }
        struct Failure: Encodable { var status: Int; var message: String }
        var response = try html("error", title: "出错了", session: session, path: path,
                                model: Failure(status: error.status.code, message: error.message))
        response.status = error.status
        return response
    }

    func html<Model: Encodable>(_ template: String, title: String, session: WebSession?, path: String, model: Model) throws -> Response {
        htmlResponse(frame: try frame(title: title, session: session, path: path),
                     content: try content(template, model: model))
    }

    /// A page's content: its template over its model (and the chrome, for the forms' token).
    func content<Model: Encodable>(_ template: String, model: Model, session: WebSession? = nil) throws -> String {
        let tree = try TemplateValues.make(Page(chrome: Chrome(title: "", session: session, path: ""), page: model))
        guard let text = templates.render(tree, withTemplate: template) else {
            throw WebError(status: .internalServerError, message: "页面模板缺失：\(template)")
        }
        return text
    }

    /// The layout around every page (title, menu, who is signed in), split where the content goes.
    func frame(title: String, session: WebSession?, path: String) throws -> (head: Substring, tail: Substring) {
        // Made once per session, page title and address.
        let key = "frame|\(session?.csrf ?? "")|\(title)|\(path)"
        if let hit = pageCache.content(for: key), let marker = hit.range(of: Self.contentMarker, options: .backwards) {
            return (hit[..<marker.lowerBound], hit[marker.upperBound...])
        }
        let tree = try TemplateValues.make(["chrome": Chrome(title: title, session: session, path: path)])
        guard let text = templates.render(tree, withTemplate: "layout"),
              // The last one: an escaped value can hold no `<`, so no value can fake it.
              let marker = text.range(of: Self.contentMarker, options: .backwards) else {
            throw WebError(status: .internalServerError, message: "页面模板缺失：layout")
        }
        pageCache.keep(text, for: key)
        return (text[..<marker.lowerBound], text[marker.upperBound...])
    }

    static let contentMarker = "<!--wagewatch:content-->"

    /// What a cached page's content depends on besides the snapshot and the role: its path
    /// and the parameters it reads, as it reads them (so that no two addresses of the same
    /// page make two entries, and no value can pass for two parameters); for the queue, who
    /// holds which item: the claims made since, and the minute (a claim's lease runs out
    /// without a change anyone makes).
    func cacheKey(for request: Request) -> String {
        let query = request.query
        var parts = [request.uri.path, "page=\(pageNumber(request))"]
        for name in ["project", "department", "channel"] {
            if let value = query.text(name) { parts.append(name + "=" + Self.percentEncoded(value)) }
        }
        if let flag = query.text("flag").flatMap(RiskFlag.init(rawValue:)) { parts.append("flag=" + flag.rawValue) }
        if request.uri.path == "/queue" {
            parts.append("claims=\(reviews.claimsVersion)")
            parts.append("minute=\(Int(now().timeIntervalSince1970 / 60))")
        }
        return parts.joined(separator: "&")
    }

    func htmlResponse(frame: (head: Substring, tail: Substring), content: String) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(frame.head.utf8.count + content.utf8.count + frame.tail.utf8.count)
        buffer.writeSubstring(frame.head)
        buffer.writeString(content)
        buffer.writeSubstring(frame.tail)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: buffer))
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    func redirect(to location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")

    /// The snapshot the register pages read; made now if there is none yet.
    func snapshot() async throws -> RegisterSnapshot {
        if let current = keeper.current { return current }
        return try await keeper.refresh()
    }

    /// Keeps the search index and the register up to date until the task is cancelled:
    /// items stored since are indexed (on a dispatch thread), and the register made again
    /// when the store changed.
    public func maintain(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                let fold = self.fold, database = self.database
                _ = try await withCheckedThrowingContinuation { continuation in
                    DispatchQueue.global(qos: .utility).async {
                        continuation.resume(with: Result { try database.updateSearchIndex(fold: fold) })
                    }
                }
                try await keeper.refreshIfStale()
            } catch {
                monitor.logger.error("keeping the web UI up to date failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// What to mask a text about a petitioner with: each detail (name, phone) as recorded,
    /// as the scorer folds it (site names are read from folded text: 於 → 于, spaces
    /// dropped), and each part of a name of two characters or more (艾力 of 买买提·艾力).
    func maskTerms(_ details: [String]) -> [String] {
        var terms: [String] = []
        for detail in details where !detail.isEmpty {
            terms.append(detail)
            terms.append(fold(detail))
            terms += detail.split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { $0.count >= 2 }
        }
        return Array(Set(terms.filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    /// The page number asked for (from 1).
    func pageNumber(_ request: Request) -> Int {
        max(1, Int(request.query["page"] ?? "") ?? 1)
    }

    /// Which rows of `total` the page asked for shows, `settings.pageSize` a page.
    func pager(_ request: Request, total: Int) -> Pager {
        Pager(total: total, size: settings.pageSize, asked: pageNumber(request))
    }
}

/// A list cut into pages: the page shown (the last when a later one was asked), its rows,
/// and its neighbours.
struct Pager {
    let page: Int
    let pages: Int
    let rows: Range<Int>

    init(total: Int, size: Int, asked: Int) {
        pages = max(1, (total + size - 1) / size)
        page = min(max(1, asked), pages)
        rows = min(total, (page - 1) * size) ..< min(total, page * size)
    }

    var previous: Int? { page > 1 ? page - 1 : nil }
    var next: Int? { page < pages ? page + 1 : nil }
}

/// A page's model and what surrounds it, as the templates see them.
struct Page<Model: Encodable>: Encodable {
    var chrome: Chrome
    var page: Model
}

/// What every page shows around its content: the title, who is signed in, the menu.
struct Chrome: Encodable {
    struct Link: Encodable {
        var href: String
        var label: String
        var current: Bool
    }

    var title: String
    var user: String?
    var role: String?
    var csrf: String?
    var nav: [Link]

    init(title: String, session: WebSession?, path: String) {
        self.title = title
        user = session?.account.name
        role = session?.account.role.label
        csrf = session?.csrf
        let labels: [String: String] = [
            "/queue": "审核队列", "/daily": "风险日报", "/register": "风险台账", "/scorecard": "部门排名",
            "/sources": "数据源", "/search": "检索", "/audit": "操作日志", "/accounts": "账号",
        ]
        nav = session.map { session in
            WebApp.access.filter { $0.roles.contains(session.account.role) }.map {
                Link(href: $0.path, label: labels[$0.path]!, current: path.hasPrefix($0.path))
            }
        } ?? []
    }
}

/// Headers on every answer: no framing by other sites, no sniffing, scripts and styles
/// only from the app itself.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }
}

/// Page contents made for one snapshot: looked up by snapshot generation, claims version,
/// role and address; emptied when it holds too many.
final class PageCache: Sendable {
    private let pages = Mutex<[String: String]>([:])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func content(for key: String) -> String? { pages.withLock { $0[key] } }

    func keep(_ content: String, for key: String) {
        guard limit > 0 else { return }
        pages.withLock { pages in
            if pages.count >= limit { pages.removeAll(keepingCapacity: true) }
            pages[key] = content
        }
    }
}

/// Counts the claims made in this process (claims are made only through the web UI), so
/// that a page showing who reviews what is made again after one.
final class ReviewCounter: Sendable {
    private struct State {
        var claims = 0
        /// Items decided, with the snapshot generation current when they were: a snapshot
        /// of a later generation has them.
        var decided: [String: Int] = [:]
    }

    private let state = Mutex(State())

    var claimsVersion: Int { state.withLock { $0.claims } }

    func claimed() { state.withLock { $0.claims += 1 } }

    /// `itemID` was decided while generation `generation` was the latest asked for.
    func decided(_ itemID: String, before generation: Int) {
        state.withLock { state in
            state.claims += 1  // its claim ended, and the queue must drop it
            state.decided[itemID] = generation
        }
    }

    /// The items decided that a snapshot of `generation` does not have yet.
    func decidedAfter(_ generation: Int) -> Set<String> {
        state.withLock { state in
            state.decided = state.decided.filter { $0.value >= generation }
            return Set(state.decided.keys)
        }
    }
}
