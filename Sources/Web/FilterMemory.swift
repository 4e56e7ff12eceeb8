import Hummingbird

/// A page's filters kept for the reader between visits (a cookie of the browser's): the
/// bare address (the menu, a 返回 link) opens the page as last filtered; an address with a
/// filter is kept as the new last one; `clear=1` (清除) forgets them.
struct FilterMemory: Sendable {
    /// The cookie (`__Host-`: Secure, path `/`, this host only).
    let cookie: String
    /// The parameters kept, in this order.
    let names: [String]

    enum Answer {
        /// Open the page at this address (its kept filters).
        case restore(String)
        /// Show the page, and keep this (the filters given, or none after 清除).
        case keep(Cookie)
    }

    /// What to do with `request` for the page at `path`; nil: show it, keep nothing.
    func answer(to request: Request, path: String) -> Answer? {
        let query = request.query
        if query["clear"] != nil { return .keep(SessionCookie.make(cookie, value: "", maxAge: 0)) }
        let given = names.compactMap { name in query[name].map { "\(name)=\(WebApp.percentEncoded($0))" } }
        if given.isEmpty {
            // Only the page number (or nothing) asked: the kept filters, if any, come back.
            guard query["page"] == nil, let kept = request.cookie(cookie), !kept.isEmpty else { return nil }
            // Only a value this page could have written: one that names a filter of its own
            // (else the address it leads to asks for nothing, and would lead there again).
            let keptNames = FormFields(encoded: Substring(kept)).values.keys
            guard Self.isQuery(kept), keptNames.contains(where: names.contains) else {
                return .keep(SessionCookie.make(cookie, value: "", maxAge: 0))
            }
            return .restore(path + "?" + kept)
        }
        return .keep(SessionCookie.make(cookie, value: given.joined(separator: "&"), maxAge: 12 * 3_600))
    }

    /// A kept value is a query this page wrote: names, `=`, `&` and percent-encoded text.
    static func isQuery(_ text: String) -> Bool {
        text.utf8.count <= 2_048
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                case UInt8(ascii: "%"), UInt8(ascii: "="), UInt8(ascii: "&"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                    UInt8(ascii: "~"):
                    true
                default: false
                }
            }
    }
}
