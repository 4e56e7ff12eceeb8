import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The HTTP/1.1 server the web UI runs on, with the limits a public-facing server needs.
public enum WebServer {
    /// - A connection that sends no complete request part for `idleTimeout` is closed: a
    ///   request head dripped byte by byte (slowloris) counts as nothing until it is whole,
    ///   and a kept-alive connection with no next request goes too.
    /// - A request must be whole within `requestDeadline` of its head: a body dripped a
    ///   byte at a time (each byte a part, so never idle) is cut off there.
    /// - A declared body larger than `maxBody` (the largest any form takes) is answered
    ///   413 at its head, and no byte of it read.
    /// - At most `maxConnections` connections are open at once (by default three quarters
    ///   of the process's file limit): any more are closed as they come, so that the files
    ///   the store, the fetcher and the system need are never all taken by sockets.
    /// - A request refused as too large (413) closes its connection once the answer is
    ///   sent, instead of reading the rest of a body nobody wants.
    /// - One address may hold at most a quarter of them (`perAddress`), so that one client
    ///   cannot lock the others out; the trusted proxy (`exempt`), which speaks for every
    ///   browser, may hold them all.
    public static func http1(
        idleTimeout: TimeAmount = .seconds(30), requestDeadline: TimeAmount = .seconds(120),
        maxBody: Int = WebApp.largestBody, maxConnections: Int = defaultMaxConnections(), perAddress: Int? = nil,
        exempt: Set<String> = []
    ) -> HTTPServerBuilder {
        let open = OpenConnections(limit: maxConnections, perAddress: perAddress ?? max(1, maxConnections / 4), exempt: exempt)
        return .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    ConnectionLimit(open: open), RequestDeadline(deadline: requestDeadline, maxBody: maxBody), CloseAfterRefusal(),
                ],
                idleTimeout: idleTimeout))
    }

    /// Three quarters of the process's open-file limit, between 64 and 16,384.
    public static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_024 }
        let files = limit.rlim_cur == rlim_t.max ? 65_536 : Int(clamping: limit.rlim_cur)
        return max(64, min(16_384, files * 3 / 4))
    }
}

/// The connections open now, in all and per address, shared by the server's connections.
final class OpenConnections: Sendable {
    let limit: Int
    let perAddress: Int
    let exempt: Set<String>
    private let counts = Mutex<(all: Int, byAddress: [String: Int])>((0, [:]))

    init(limit: Int, perAddress: Int, exempt: Set<String>) {
        self.limit = limit
        self.perAddress = perAddress
        self.exempt = exempt
    }

    /// Counts one more from `address`; false (counting nothing) when the limit, or the
    /// address's share of it, is reached.
    func open(from address: String) -> Bool {
        counts.withLock { counts in
            let mine = counts.byAddress[address, default: 0]
            guard counts.all < limit, exempt.contains(address) || mine < perAddress else { return false }
            counts.all += 1
            counts.byAddress[address] = mine + 1
            return true
        }
    }

    func close(from address: String) {
        counts.withLock { counts in
            counts.all -= 1
            let left = counts.byAddress[address, default: 1] - 1
            counts.byAddress[address] = left > 0 ? left : nil
        }
    }
}

/// Closes a connection that comes when `open.limit` are open already; counts the others
/// until they close.
final class ConnectionLimit: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    private let open: OpenConnections
    private var counted: String?

    init(open: OpenConnections) { self.open = open }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? ""
        if open.open(from: address) { counted = address } else { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    private func release() {
        guard let address = counted else { return }
        counted = nil
        open.close(from: address)
    }
}

/// A request whole within `deadline` of its head, and a declared body no larger than
/// `maxBody`: otherwise the connection is closed (with a 413 for the body too large).
final class RequestDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let deadline: TimeAmount
    private let maxBody: Int
    private var timer: Scheduled<Void>?
    /// A request refused at its head: its body is dropped, not passed on.
    private var refusing = false

    init(deadline: TimeAmount, maxBody: Int) {
        self.deadline = deadline
        self.maxBody = maxBody
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let length = head.headerFields[.contentLength].flatMap({ Int($0) }), length > maxBody {
                refusing = true
                let answer = HTTPResponse(status: .contentTooLarge, headerFields: [.contentLength: "0", .connection: "close"])
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.write(wrapOutboundOut(.head(answer)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
                return
            }
            timer?.cancel()
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: deadline) { bound.value.close(promise: nil) }
            context.fireChannelRead(data)
        case .body:
            guard !refusing else { return }
            context.fireChannelRead(data)
        case .end:
            timer?.cancel()
            timer = nil
            guard !refusing else { return }
            context.fireChannelRead(data)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }
}

/// Closes the connection after a 413 answer (and says so in its head).
final class CloseAfterRefusal: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var closing = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status == .contentTooLarge:
            closing = true
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where closing:
            // The close runs on the channel's event loop, where the context lives.
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(data).whenComplete { _ in bound.value.close(promise: nil) }
            promise?.succeed()
        default:
            context.write(data, promise: promise)
        }
    }
}
