import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The page templates (Templates/*.mustache, HTML-escaping every value by default) and
/// the assets (Assets/), read from the module's resources once at start.
enum Templates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in try sources() {
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        return library
    }

    /// Every template's text, by file name (the tests check that none turns escaping off).
    static func sources() throws -> [String: String] {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw WebError(status: .internalServerError, message: "页面模板目录缺失 (Templates)")
        }
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            result[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        return result
    }
}

/// The stylesheet and other files the pages load: served by the app (no CDN on an intranet).
enum Assets {
    static let types = ["css": "text/css; charset=utf-8", "svg": "image/svg+xml", "js": "text/javascript; charset=utf-8"]

    static func response(named name: String) throws -> Response {
        guard !name.contains("/"), !name.hasPrefix("."), let type = types[(name as NSString).pathExtension],
            let url = Bundle.module.url(forResource: "Assets/" + name, withExtension: nil),
            let data = try? Data(contentsOf: url)
        else {
            return Response(status: .notFound)
        }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
