import Foundation

extension String {
    /// The text with every character but RFC 3986's unreserved ones (ASCII letters,
    /// digits, `-._~`) percent-encoded: safe as one path segment, a query value or an
    /// RFC 5987 value, whatever it holds (a department named `../../logout?x=`, Chinese).
    public var percentEncodedUnreserved: String {
        addingPercentEncoding(withAllowedCharacters: Self.unreservedCharacters) ?? ""
    }

    private static let unreservedCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
