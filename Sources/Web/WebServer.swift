import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// The HTTP/1.1 server the web UI runs on, with the limits a public-facing server needs.
public enum WebServer {
    /// A connection that sends no complete request part for `idleTimeout` is closed: a
    /// request head dripped byte by byte (slowloris) counts as nothing until it is whole,
    /// and a kept-alive connection with no next request goes too. A request refused as too
    /// large (413) closes its connection once the answer is sent, instead of reading the
    /// rest of a body nobody wants.
    public static func http1(idleTimeout: TimeAmount = .seconds(30)) -> HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [CloseAfterRefusal()], idleTimeout: idleTimeout))
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
