import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Model
import Store

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
        nav =
            session.map { session in
                WebApp.menu.filter { $0.roles.contains(session.account.role) }.map {
                    Link(href: $0.path, label: $0.label, current: path.hasPrefix($0.path))
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
        // A download may carry a stricter policy of its own (a sandbox): it is kept.
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] =
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        return response
    }
}

/// With `-v`, a line per request: method, path (never the query: a search may hold a
/// phone number), status, milliseconds, and the account it was answered for.
struct RequestLog: RouterMiddleware {
    typealias Context = WebContext
    let logger: Logger

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response = try await next(request, context)
        let account = response.headers[.xWagewatchAccount]
        response.headers[.xWagewatchAccount] = nil
        guard logger.logLevel <= .info else { return response }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
                "ms": "\(String(format: "%.1f", milliseconds))", "account": "\(account ?? "-")",
            ])
        return response
    }
}

// swift-format-ignore: NeverForceUnwrap
// (literal names, each a valid field name)
/// Header names the app reads or writes that HTTPTypes does not define.
extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let xCSRFToken = HTTPField.Name("X-CSRF-Token")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    /// Who a response was made for, from the page to the request log (never sent).
    static let xWagewatchAccount = HTTPField.Name("X-Wagewatch-Account")!
}
