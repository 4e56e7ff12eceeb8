import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// The paths the app answers and the methods each takes, recorded as routes are added,
/// so that a known path asked with another method gets 405 and its `Allow`.
final class RouteTable: Sendable {
    private let patterns = Mutex<[(components: [Substring], method: HTTPRequest.Method)]>([])

    func add(_ method: HTTPRequest.Method, _ path: String) {
        let components = path.split(separator: "/")
        patterns.withLock { $0.append((components, method)) }
    }

    /// Every route, as added: its path (with `:name` parameters) and method.
    var all: [(path: String, method: HTTPRequest.Method)] {
        patterns.withLock { $0.map { ("/" + $0.components.joined(separator: "/"), $0.method) } }
    }

    /// The methods of the routes `path` matches (`:name` takes any one component), with
    /// HEAD wherever GET is; empty for a path no route matches.
    func methods(for path: String) -> Set<HTTPRequest.Method> {
        let asked = path.split(separator: "/")
        var found = Set<HTTPRequest.Method>()
        for pattern in patterns.withLock({ $0 }) where pattern.components.count == asked.count {
            if zip(pattern.components, asked).allSatisfy({ $0.first == ":" || $0 == $1 }) {
                found.insert(pattern.method)
                if pattern.method == .get { found.insert(.head) }
            }
        }
        return found
    }

    /// `Allow`'s value: the methods in a fixed order.
    static func allow(_ methods: Set<HTTPRequest.Method>) -> String {
        [HTTPRequest.Method.get, .head, .post].filter(methods.contains).map(\.rawValue).joined(separator: ", ")
    }
}

extension WebApp {
    /// Adds a route and records it in `routes`.
    func route(
        _ router: Router<WebContext>, _ method: HTTPRequest.Method, _ path: String,
        use handler: @escaping @Sendable (Request, WebContext) async throws -> some ResponseGenerator
    ) {
        routes.add(method, path)
        router.on(RouterPath(stringLiteral: path), method: method, use: handler)
        // The router matches by method before any middleware runs: HEAD gets GET's handler
        // here, and `MethodGate` drops the body.
        if method == .get { router.on(RouterPath(stringLiteral: path), method: .head, use: handler) }
    }
}

/// HEAD (routed to GET's handler, see `route`) is answered without the body; a method a known path does not take gets 405
/// with the path's `Allow`, before any handler runs; an unknown path stays 404.
struct MethodGate: RouterMiddleware {
    typealias Context = WebContext
    let routes: RouteTable

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        let allowed = routes.methods(for: request.uri.path)
        guard allowed.isEmpty || allowed.contains(request.method) else {
            var headers = HTTPFields()
            headers[.allow] = RouteTable.allow(allowed)
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(
                status: .methodNotAllowed, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "此地址不支持 \(request.method.rawValue) 请求")))
        }
        var response = try await next(request, context)
        if request.method == .head { response.body = ResponseBody() }
        return response
    }
}
