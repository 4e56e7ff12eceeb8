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
    /// Settings a deployment may change; tests change the waits and limits.
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
        /// Who issues the printed briefs (编制单位).
        public var issuer = DailyPrint.defaultIssuer

        public init() {}
    }

    let monitor: Monitor
    let keeper: SnapshotKeeper
    /// The cities of the province, on a node that serves the province's pages.
    let province: ProvinceKeeper?
    let settings: Settings
    let templates: MustacheLibrary
    let ruleTitles: [String: String]
    let pageCache: PageCache
    let reviews = ReviewCounter()
    let monthEnd = MonthEndScorecards()
    let petitionerNames = PetitionerNames()
    /// Every route's path and method, for HEAD and 405 (see `MethodGate`).
    let routes = RouteTable()
    let fold: @Sendable (String) -> String
    /// Variant characters of names, as masking at ingest folds them.
    let nameVariants = Monitor.nameVariants
    let now: @Sendable () -> Date
    var database: AppDatabase { monitor.database }

    /// - Parameters:
    ///   - fold: how search folds text (the scorer's normalizer: traditional to
    ///     simplified, full width to half); the indexer folds the same way.
    ///   - province: the province's cities, for the province's pages (省级); without them
    ///     those pages answer 404.
    public init(
        monitor: Monitor, keeper: SnapshotKeeper, settings: Settings = Settings(),
        fold: @escaping @Sendable (String) -> String, now: @escaping @Sendable () -> Date = { Date() },
        province: ProvinceKeeper? = nil
    ) throws {
        self.monitor = monitor
        self.keeper = keeper
        self.province = province
        self.settings = settings
        self.fold = fold
        self.now = now
        templates = try Templates.library()
        pageCache = PageCache(limit: settings.pageCacheEntries)
        let rulebook = try monitor.loadRulebook()
        ruleTitles = Dictionary(
            rulebook.rules.map { ($0.id, $0.title) } + TextModel.Kind.allCases.map { (TextModel.ruleID($0), $0.title) },
            uniquingKeysWith: { first, _ in first })
    }

    /// The router with every page, endpoint and asset.
    public func makeRouter() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: RequestLog(logger: monitor.logger))
        router.add(middleware: SecurityHeaders())
        router.add(middleware: MethodGate(routes: routes))
        addSessionRoutes(to: router)
        addReviewRoutes(to: router)
        addRegisterRoutes(to: router)
        addAdminRoutes(to: router)
        addProvinceRoutes(to: router)
        addCaseRoutes(to: router)
        route(router, .get, "static/:name") { _, context in try Assets.response(named: context.parameters.require("name")) }
        route(router, .get, "healthz") { _, _ in "ok" }
        return router
    }

    /// The pages of the menu, in its order: who may open each (its JSON twin alike).
    static let menu: [(path: String, label: String, roles: Set<Role>)] = [
        ("/queue", "审核队列", [.petition]),
        ("/cases", "督办件", [.wageOffice, .leader, .department]),
        ("/unit", "本单位项目", [.department]),
        ("/daily", "风险日报", [.cyberspace, .leader, .wageOffice]),
        ("/register", "风险台账", [.cyberspace, .leader, .wageOffice]),
        ("/scorecard", "部门排名", [.leader, .wageOffice]),
        ("/sources", "数据源", [.admin, .cyberspace]),
        ("/alerts", "预警推送", [.admin]),
        ("/search", "检索", [.petition, .cyberspace, .leader]),
        ("/audit", "操作日志", [.admin, .leader]),
        ("/accounts", "账号", [.admin]),
        ("/province", "全省汇总", [.province]),
        ("/province/daily", "全省日报", [.province]),
    ]

    /// Which roles may open each page of the menu: the table the tests walk.
    public static var access: [(path: String, roles: Set<Role>)] { menu.map { ($0.path, $0.roles) } }

    static func roles(of path: String) -> Set<Role> {
        // swift-format-ignore: NeverForceUnwrap
        // (called with the menu's own paths when the routes are made: a typo stops the start)
        menu.first { $0.path == path }!.roles
    }

    /// The roles of a city's own users that open its projects and items: every one but the
    /// province's, which has its own pages only (a province account made in a city's store
    /// opens none of the city's), and a responsible unit's, which sees its own cases only.
    static let cityRoles: Set<Role> = Set(Role.allCases).subtracting([.province, .department])

    /// Roles that see petitioners' personal data (names, phone numbers, unmasked text).
    static let seesPersonalData: Set<Role> = [.petition]

    /// The first page of each role.
    static func home(of role: Role) -> String {
        switch role {
        case .petition: "/queue"
        case .cyberspace: "/daily"
        case .leader: "/scorecard"
        case .admin: "/sources"
        case .province: "/province"
        case .wageOffice, .department: "/cases"
        }
    }

    // MARK: Answering

    /// A GET page at `path` and its JSON twin at `/api{path}`, for `roles`; `build` makes the
    /// model both show.
    /// - Parameters:
    ///   - cached: the page's content depends only on the kept register snapshot, the role
    ///     and the address: it is made once per snapshot.
    ///   - cacheScope: what else a page's content depends on alone (the province's kept
    ///     roll-ups): it is made once per value of it.
    ///   - allow: the session's scope, checked before the page is made or read from the
    ///     cache (a responsible unit's own projects): throws when the session may not see it.
    func page<Model: Encodable & Sendable>(
        _ router: Router<WebContext>, _ path: String, roles: Set<Role>, template: String, title: String,
        cached: Bool = false, cacheScope: (@Sendable () async throws -> String)? = nil,
        allow: (@Sendable (WebContext, WebSession) async throws -> Void)? = nil,
        personal: (@Sendable (Request) -> Bool)? = nil, remembering filters: FilterMemory? = nil,
        build: @escaping @Sendable (Request, WebContext, WebSession) async throws -> Model
    ) {
        let generation: @Sendable () async throws -> String = { "\(try await snapshot().generation)" }
        let scope = cacheScope ?? (cached ? generation : nil)
        route(router, .get, path) { request, context in
            try await answer(request, roles: roles, json: false) { session in
                try await allow?(context, session)
                // The page's filters as last used: the bare address (the menu, a back link)
                // opens them again; any filter given is kept for next time; 清除 forgets them.
                var remembered: Cookie?
                if let filters {
                    switch filters.answer(to: request, path: path) {
                    case .restore(let location): return redirect(to: location)
                    case .keep(let cookie): remembered = cookie
                    case .none: break
                    }
                }
                var response = try await htmlPage(request, context, session)
                if let remembered { response.setCookie(remembered) }
                return response
            }
        }
        @Sendable func htmlPage(_ request: Request, _ context: WebContext, _ session: WebSession) async throws -> Response {
            let frame = try frame(title: title, session: session, path: request.uri.path)
            guard let scope else {
                return htmlResponse(
                    frame: frame,
                    content: try content(
                        template, model: try await build(request, context, session),
                        session: session))
            }
            // Pages of the register read only the kept snapshot and the store as of it
            // (and the claims): their content is made once per snapshot, role and address.
            // A unit's account sees its unit's content: the unit is part of the key.
            let unit = session.account.unit.map { "\($0.kind.rawValue):\($0.name)" } ?? ""
            // A page of the reader's own (我认领的) is kept per account.
            let reader = personal?(request) == true ? session.account.name : ""
            let key =
                "\(try await scope())|\(session.account.role.rawValue)|\(unit)|\(reader)|\(try cacheKey(for: request))"
            if let hit = pageCache.content(for: key) { return htmlResponse(frame: frame, content: hit) }
            let made = try content(template, model: try await build(request, context, session))
            pageCache.keep(made, for: key)
            return htmlResponse(frame: frame, content: made)
        }
        route(router, .get, "/api" + path) { request, context in
            try await answer(request, roles: roles, json: true) { session in
                try await allow?(context, session)
                return try json(try await build(request, context, session))
            }
        }
    }

    /// A POST at `path` (a form, URL-encoded or `multipart/form-data`) and `/api{path}`:
    /// both need the session's CSRF token, as the form field `csrf` or the header
    /// `X-CSRF-Token`.
    /// - Parameter maxBody: the largest body taken (forms with files); a small form's
    ///   otherwise. A larger one is refused with 413, read no further.
    func action(
        _ router: Router<WebContext>, _ path: String, roles: Set<Role>?, maxBody: Int? = nil,
        perform: @escaping @Sendable (Request, WebContext, WebSession, FormFields, Bool) async throws -> Response
    ) {
        for (prefix, isJSON) in [("", false), ("/api", true)] {
            route(router, .post, prefix + path) { request, context in
                // No one signed in, or a role this action is not for: answered before a byte
                // of the body is read (an upload may be 25 MB).
                if let roles {
                    let session = try await currentSession(request)
                    if session.map({ !roles.contains($0.account.role) }) ?? true {
                        // `answer` sends the anonymous to the login page and refuses the role.
                        return try await answer(request, roles: roles, json: isJSON) { _ in
                            throw WebError(status: .forbidden, message: "当前角色无权执行此操作")
                        }
                    }
                }
                let limit = maxBody ?? context.maxUploadSize
                let read: Result<ByteBuffer, WebError>
                do {
                    read = .success(try await Self.body(of: request, upTo: limit))
                } catch let error as WebError {
                    read = .failure(error)
                } catch is NIOTooManyBytesError {
                    let size = limit >= 1_048_576 ? "\(limit / 1_048_576) MB" : "\(limit / 1024) KB"
                    read = .failure(WebError(status: .contentTooLarge, message: "提交的内容超过 \(size)，未保存"))
                }
                return try await answer(request, roles: roles, json: isJSON) { session in
                    let buffer = try read.get()
                    let type = request.headers[.contentType] ?? ""
                    let multipart = type.lowercased().hasPrefix("multipart/form-data")
                    // The token first, looked up in the raw body: a form is parsed (which a
                    // hostile body can make cost seconds) only for the session it came from.
                    let refused = WebError(status: .forbidden, message: "表单已失效或来源不明，请刷新页面后重试（CSRF 校验失败）")
                    let quick = request.headers[.xCSRFToken] ?? FormToken.find(in: buffer, multipart: multipart)
                    guard let quick, Token.equal(quick, session.csrf), Self.sameOrigin(request) else { throw refused }
                    let form =
                        multipart
                        ? try FormFields(multipart: buffer, contentType: type) : FormFields(encoded: Substring(String(buffer: buffer)))
                    let token = form["csrf"] ?? request.headers[.xCSRFToken]
                    guard let token, Token.equal(token, session.csrf) else { throw refused }
                    return try await perform(request, context, session, form, isJSON)
                }
            }
        }
    }

    /// The request's body, at most `limit` bytes; one declared larger (`Content-Length`) is
    /// refused before a byte of it is read.
    static func body(of request: Request, upTo limit: Int) async throws -> ByteBuffer {
        var request = request
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw NIOTooManyBytesError(maxBytes: limit)
        }
        return try await request.collectBody(upTo: limit)
    }

    /// A request with an `Origin` or `Sec-Fetch-Site` header from another site is refused
    /// (a second line behind the token), and so is `Origin: null`: a sandboxed frame, a
    /// `data:` page or a redirect across sites, never this app's own pages.
    static func sameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite], site == "cross-site" { return false }
        guard let origin = request.headers[.origin] else { return true }
        guard origin != "null" else { return false }
        guard let host = request.head.authority else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    /// The caller's session checked against `roles`, then `respond`; errors become an HTML
    /// page or a JSON object with their status.
    func answer(
        _ request: Request, roles: Set<Role>?, json isJSON: Bool,
        _ respond: (WebSession) async throws -> Response
    ) async throws -> Response {
        do {
            guard let session = try await currentSession(request) else {
                if isJSON { return try json(["error": "未登录"], status: .unauthorized) }
                let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return redirect(to: "/login?next=" + Self.percentEncoded(next))
            }
            if let roles, !roles.contains(session.account.role) {
                throw WebError(status: .forbidden, message: "当前角色（\(session.account.role.label)）无权访问此页面")
            }
            var response = try await respond(session)
            response.headers[.xWagewatchAccount] = session.account.name
            return response
        } catch let error as WebError {
            return try failure(error, json: isJSON, session: try? await currentSession(request), path: request.uri.path)
        } catch let error as CaseError {
            // A 督办 step refused: 403 not allowed, 409 someone acted first (with the state now)
            // or a case is open already, 404 unknown, 400 otherwise.
            let status: HTTPResponse.Status =
                switch error {
                case .notAllowed: .forbidden
                case .conflict, .alreadyOpen: .conflict
                case .unknownCase: .notFound
                case .wrongState, .invalid: .badRequest
                }
            var refusal = WebError(status: status, message: "\(error)")
            if case .alreadyOpen(let id) = error {
                refusal.link = "/cases/" + Self.percentEncoded(id)
                refusal.linkLabel = "查看督办件 \(id)"
            }
            return try failure(refusal, json: isJSON, session: try? await currentSession(request), path: request.uri.path)
        } catch let error as StoreError {
            let status: HTTPResponse.Status =
                switch error {
                case .claimedByAnother, .decidedMeanwhile: .conflict
                case .missingItem: .notFound
                default: .badRequest
                }
            return try failure(
                WebError(status: status, message: error.chinese), json: isJSON,
                session: try? await currentSession(request), path: request.uri.path)
        } catch {
            // Only the kind of error is logged: a database error's text may quote stored values.
            monitor.logger.error("\(request.method) \(request.uri.path) failed: \(type(of: error))")
            return try failure(
                WebError(status: .internalServerError, message: "服务器内部错误，请稍后重试或联系管理员"),
                json: isJSON, session: nil, path: request.uri.path)
        }
    }

    func currentSession(_ request: Request) async throws -> WebSession? {
        guard let id = request.cookie(SessionCookie.name) else { return nil }
        return try await database.session(id: id, now: now())
    }

    func failure(_ error: WebError, json isJSON: Bool, session: WebSession?, path: String) throws -> Response {
        if isJSON { return try json(["error": error.message, "link": error.link].compactMapValues { $0 }, status: error.status) }
        struct Failure: Encodable {
            var status: Int
            var message: String
            var link: String?
            var linkLabel: String?
        }
        // A page speaks to the user: no form field names, and a way back to where they were
        // (the page a form was sent from, else the first page of their role).
        let message = error.message.replacingOccurrences(of: "（字段 [^）]*）", with: "", options: .regularExpression)
        let back = Self.backLink(from: path, signedIn: session != nil)
        var response = try html(
            "error", title: "出错了", session: session, path: path,
            model: Failure(
                status: error.status.code, message: message, link: error.link ?? back.link,
                linkLabel: error.link == nil ? back.label : error.linkLabel))
        response.status = error.status
        return response
    }

    /// A file to take away (an export): XLSX bytes, or CSV text, named `NAME.FORMAT`, never cached.
    static func download(_ name: String, xlsx: Data? = nil, csv: String? = nil) -> Response {
        let isWorkbook = xlsx != nil
        return Response(
            status: .ok,
            headers: [
                .contentType: isWorkbook ? CaseAttachment.Kind.xlsx.mediaType : "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(name).\(isWorkbook ? "xlsx" : "csv")\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: xlsx.map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: csv ?? "")))
    }

    /// Where an error page leads back to: the page a form at `path` was sent from
    /// (`/items/ID` for `/items/ID/review`), else the first page.
    static func backLink(from path: String, signedIn: Bool) -> (link: String, label: String) {
        guard signedIn else { return ("/login", "登录") }
        let parts = path.split(separator: "/")
        let actions: Set<Substring> = ["review", "claim", "release", "act", "sign", "files", "password"]
        if parts.count >= 3, let last = parts.last, actions.contains(last) {
            return ("/" + parts.dropLast().joined(separator: "/"), "返回上一页")
        }
        return ("/", "返回首页")
    }

    func html<Model: Encodable>(_ template: String, title: String, session: WebSession?, path: String, model: Model) throws -> Response {
        // The session goes to the content too: its forms carry the session's token.
        htmlResponse(
            frame: try frame(title: title, session: session, path: path),
            content: try content(template, model: model, session: session))
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
            let marker = text.range(of: Self.contentMarker, options: .backwards)
        else {
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
    func cacheKey(for request: Request) throws -> String {
        let query = request.query
        var parts = [request.uri.path, "page=\(try pageNumber(request))"]
        for name in ["project", "department", "channel", "tab", "township", "sensitive", "sort"] {
            if let value = query.text(name) { parts.append(name + "=" + Self.percentEncoded(value)) }
        }
        if let flag = try flagFilter(request) { parts.append("flag=" + flag.rawValue) }
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
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: buffer))
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
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

    private static let unreserved = CharacterSet(
        charactersIn:
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")

    /// The snapshot the register pages read; the first one when it is still being made,
    /// or made now if none is.
    func snapshot() async throws -> RegisterSnapshot {
        try await keeper.latest()
    }

    /// Keeps the search index and the register up to date until the task is cancelled:
    /// items stored since are indexed (on the store's writer, not a thread of this task),
    /// and the register made again when the store changed.
    public func maintain(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                try await database.updateSearchIndex(fold: fold)
                try await keeper.refreshIfStale()
                await province?.refreshIfStale()
                try await database.forgetLoginAttempts(before: now().addingTimeInterval(-settings.throttleWindow))
            } catch {
                monitor.logger.error("keeping the web UI up to date failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// On a PostgreSQL store, takes in what other processes commit as they announce it,
    /// until the task is cancelled: another web node's claims and decisions show on this
    /// node's next page, and the register is made again after a commit of a worker or
    /// another node: at once after a quiet spell, then at most once each `gap` while
    /// commits go on (`maintain`'s checks remain, for a notice lost while the connection
    /// was down). Returns at once on SQLite.
    public func followStore(gap: Duration = .seconds(1)) async {
        guard database.announcesChanges else { return }
        let (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let keeper = keeper
        let reviews = reviews
        let logger = monitor.logger
        await withDiscardingTaskGroup { group in
            group.addTask {
                await database.followNotices(
                    failed: { logger.warning("listening for the store's changes failed: \($0)") }
                ) { notice in
                    switch notice {
                    case .changed: changed.yield()
                    case .claimed: reviews.claimed()
                    case .decided(let itemID):
                        // Pending on this node's pages until a snapshot made after it.
                        reviews.decided(itemID, before: keeper.generation)
                        changed.yield()
                    }
                }
                changed.finish()
            }
            group.addTask {
                for await _ in changes {
                    try? await keeper.refreshIfStale()  // logged where it failed
                    try? await Task.sleep(for: gap)
                }
            }
        }
    }

    /// What to mask a text about a petitioner with: each detail (name, phone) as recorded
    /// and as the scorer folds it (site names are read from folded text: 於 → 于, spaces
    /// dropped); the masker adds the parts of a name.
    func maskTerms(_ details: [String]) -> [String] {
        details.flatMap { [$0, fold($0)] }
    }

    /// `text` with the petitioner's details (`maskTerms`) hidden, in whatever variant form
    /// the text writes them (於/于, traditional/simplified: the table masking at ingest uses).
    func masked(_ text: String, details: [String]) -> String {
        PersonalDataMasker.mask(text, names: maskTerms(details), variants: nameVariants)
    }

    /// The page number asked for (from 1; 1 when none is), at most `maxPage`: a larger
    /// one shows the last page, and offsets computed from it cannot overflow.
    func pageNumber(_ request: Request) throws -> Int {
        guard let text = request.query.text("page") else { return 1 }
        guard text.count <= 20, text.allSatisfy(\.isASCII), let number = Int(text), number >= 1 else {
            throw WebError.badRequest("页码须为正整数（字段 page）：\(text.prefix(20))")
        }
        return min(number, Self.maxPage)
    }

    /// No list of this app has a million pages.
    static let maxPage = 1_000_000

    /// The flag a list is filtered by, if one is asked for.
    func flagFilter(_ request: Request) throws -> RiskFlag? {
        guard let text = request.query.text("flag") else { return nil }
        guard let flag = RiskFlag(rawValue: text) else {
            throw WebError.badRequest("没有这种标记（字段 flag）：\(text.prefix(40))；可选 " + RiskFlag.allCases.map(\.label).joined(separator: "、"))
        }
        return flag
    }

    /// Which rows of `total` the page asked for shows, `settings.pageSize` a page.
    func pager(_ request: Request, total: Int) throws -> Pager {
        Pager(total: total, size: settings.pageSize, asked: try pageNumber(request))
    }
}
