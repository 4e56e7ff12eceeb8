import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Model
import Monitor
import NIOCore
import NIOPosix
import Store

/// The session cookie: HttpOnly (no script reads it), Secure (sent over HTTPS only; browsers
/// also allow it on http://localhost and 127.0.0.1), SameSite=Strict (never sent from
/// another site's page).
enum SessionCookie {
    /// `__Host-`: the browser takes the cookie only when it is Secure, for path `/` and
    /// without a Domain, so no other host or subdomain can set or shadow it.
    static let name = "__Host-ww_session"
    /// The login form's own token (double-submit: the form's field must equal this cookie).
    static let loginName = "__Host-ww_login"

    static func make(_ name: String, value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }
}

extension WebApp {
    func addSessionRoutes(to router: Router<WebContext>) {
        route(router, .get, "/") { request, _ in
            guard let session = try await currentSession(request) else { return redirect(to: "/login") }
            return redirect(to: Self.home(of: session.account.role))
        }
        route(router, .get, "/login") { request, _ in
            try loginPage(next: request.query["next"], error: nil, status: .ok)
        }
        route(router, .post, "/login") { request, context in
            let buffer = try await Self.body(of: request, upTo: context.maxUploadSize)
            let form = FormFields(encoded: Substring(String(buffer: buffer)))
            return try await login(request, form: form, address: clientAddress(request, peer: context.remoteAddress))
        }
        action(router, "/logout", roles: nil) { request, _, session, _, isJSON in
            if let id = request.cookie(SessionCookie.name) { try await database.deleteSession(id: id) }
            try await database.record(
                AuditEntry(
                    at: now(), account: session.account.name, role: session.account.role.rawValue,
                    action: "logout", reason: ""))
            // The session, and the filters kept for its reader (the next person at this
            // browser starts afresh).
            let cleared = [SessionCookie.name, Self.queueFilters.cookie, Self.registerFilters.cookie].map {
                SessionCookie.make($0, value: "", maxAge: 0)
            }
            if isJSON {
                var response = try json(["ok": true])
                for cookie in cleared { response.setCookie(cookie) }
                return response
            }
            return redirect(to: "/login", cookies: cleared)
        }
    }

    /// The browser's address: the peer's, or the last `X-Forwarded-For` entry when the peer
    /// is the proxy named in the settings (a client can forge the header, not the peer).
    func clientAddress(_ request: Request, peer: String?) -> String? {
        guard let proxy = settings.trustedProxy, peer == proxy,
            let forwarded = request.headers[.xForwardedFor],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        else { return peer }
        return last
    }

    /// The login form, with a fresh token in its field and in a cookie.
    func loginPage(next: String?, error: String?, status: HTTPResponse.Status) throws -> Response {
        struct Login: Encodable {
            var next: String
            var error: String?
            var token: String
        }
        let token = Token.make()
        var response = try html(
            "login", title: "登录", session: nil, path: "/login",
            model: Login(next: Self.safeNext(next) ?? "", error: error, token: token))
        response.status = status
        response.setCookie(SessionCookie.make(SessionCookie.loginName, value: token, maxAge: 3600))
        return response
    }

    /// A request over plain HTTP (no proxy says it was HTTPS) to a name other than this machine's.
    static func isPlainHTTPToAnotherHost(_ request: Request) -> Bool {
        if let scheme = request.headers[.xForwardedProto], scheme.lowercased() == "https" { return false }
        if request.head.scheme?.lowercased() == "https" { return false }
        let host = (request.head.authority ?? "").lowercased()
        let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.prefix { $0 != ":" })
        return !["localhost", "127.0.0.1", "::1", ""].contains(name)
    }

    /// A login name as the throttle counts it: without control characters and whitespace, lower case.
    /// The login throttle's key for an account name.
    public static func throttleKey(_ name: String) -> String { "name:" + throttleName(name) }

    static func throttleName(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.filter {
                    !$0.properties.isWhitespace && $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)
                })
        ).lowercased()
    }

    /// Only a path of this site (no `//host`, no scheme) is followed after login.
    /// Browsers drop tabs and line breaks inside a URL, so `/\t/evil` would become `//evil`:
    /// only visible ASCII or non-ASCII characters pass.
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
            next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) })
        else { return nil }
        return next
    }

    func login(_ request: Request, form: FormFields, address: String?) async throws -> Response {
        let name = form.text("name") ?? ""
        let next = Self.safeNext(form["next"])
        guard let token = form["token"], let cookie = request.cookie(SessionCookie.loginName), Token.equal(token, cookie),
            Self.sameOrigin(request)
        else {
            // A browser keeps the form's Secure cookie over HTTPS, and over plain HTTP only for
            // this machine's own name: anywhere else the cookie never came back.
            if request.cookie(SessionCookie.loginName) == nil, Self.isPlainHTTPToAnotherHost(request) {
                return try loginPage(
                    next: next,
                    error: "无法登录：浏览器只在 HTTPS 下保存登录凭据。请通过 https:// 地址访问本系统"
                        + "（由反向代理提供 TLS），或在本机用 http://127.0.0.1 访问", status: .forbidden)
            }
            return try loginPage(next: next, error: "登录表单已失效，请重新输入（CSRF 校验失败）", status: .forbidden)
        }
        // Variants of one name (a NUL, a space, another case) are one name to the throttle:
        // five guesses per account, however it is spelt.
        // An address has a limit of its own, higher: behind a proxy or a shared office
        // address many people log in from one.
        let nameKey = Self.throttleKey(name)
        let keys = [(nameKey, settings.loginAttempts), ("address:" + (address ?? "local"), settings.addressAttempts)]
        let now = now()
        let attempt: String
        switch try await database.beginLogin(keys, window: settings.throttleWindow, now: now) {
        case .wait(let wait):
            var response = try loginPage(next: next, error: "登录失败次数过多，请 \(wait / 60 + 1) 分钟后再试", status: .tooManyRequests)
            response.headers[.retryAfter] = "\(wait)"
            return response
        case .begun(let begun):
            attempt = begun
        }
        let password = form["password"] ?? ""
        let stored = try await database.account(named: name)
        // A name without an account is checked against a hash too, so that the answer takes
        // as long either way.
        let hash = stored?.passwordHash ?? Self.decoyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Passwords.verify(password, against: hash) }
        guard let account = stored?.account, matches else {
            // A name without an account is not written down: it is often a password typed
            // into the wrong field.
            try await database.record(
                AuditEntry(
                    at: now, account: stored == nil ? "（未知账号）" : name, role: stored?.account.role.rawValue ?? "-",
                    action: "login_failed", reason: address ?? ""))
            // Logged without the name typed: it is often a password typed into the wrong field.
            monitor.logger.warning("failed login", metadata: ["address": "\(address ?? "local")"])
            return try loginPage(next: next, error: "用户名或密码不正确", status: .unauthorized)
        }
        try await database.loginSucceeded(attempt, clearing: nameKey)
        guard account.disabledAt == nil else {
            try await database.record(
                AuditEntry(
                    at: now, account: name, role: account.role.rawValue, action: "login_failed",
                    reason: (address ?? "") + "（账号已停用）"))
            return try loginPage(next: next, error: "此账号已被管理员停用，请联系系统管理员", status: .forbidden)
        }
        let id = Token.make()
        try await database.createSession(
            id: id, account: account.name, csrf: Token.make(), now: now,
            lifetime: settings.sessionLifetime)
        try await database.record(
            AuditEntry(
                at: now, account: account.name, role: account.role.rawValue, action: "login",
                reason: address ?? ""))
        return redirect(
            to: next ?? Self.home(of: account.role),
            cookies: [
                SessionCookie.make(SessionCookie.name, value: id, maxAge: Int(settings.sessionLifetime)),
                SessionCookie.make(SessionCookie.loginName, value: "", maxAge: 0),
            ])
    }

    /// A bcrypt hash (cost 12, as stored ones) of a random password nobody knows, made once.
    static let decoyHash = (try? Passwords.hash(Token.make())) ?? ""
}
