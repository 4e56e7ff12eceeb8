import Foundation
import Model
import Mustache

/// An id or name that a page both shows and puts in a link (`/projects/{{path(projectID)}}`):
/// shown as it is (escaped as any text), and in a link as one path segment, every character
/// but the unreserved ones percent-encoded, so that no stored value (a department named
/// `../../logout?x=`) can point a link elsewhere. In the JSON twins it is a plain string.
struct LinkID: Codable, Sendable, Hashable, MustacheTransformable, MustacheCustomRenderable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    var renderText: String { text }
    var isNull: Bool { false }

    /// `path`: the text as one path segment.
    func transform(_ name: String) -> Any? {
        name == "path" ? Self.pathSegment(text) : nil
    }

    static func pathSegment(_ text: String) -> String { text.percentEncodedUnreserved }
}
