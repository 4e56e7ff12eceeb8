import HummingbirdBcrypt

/// Account passwords: bcrypt hashes (cost 12), and the rule a new password must meet.
public enum Passwords {
    /// bcrypt's cost: 2^12 rounds, about a quarter of a second on this kind of machine.
    public static let cost: UInt8 = 12

    /// Why a password cannot be used.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case tooShort(minimum: Int)
        /// bcrypt reads only the first 72 bytes: a longer password would be cut silently.
        case tooLong(maximumBytes: Int)

        public var description: String {
            switch self {
            case .tooShort(let minimum): "密码至少 \(minimum) 个字符 (password too short: at least \(minimum) characters)"
            case .tooLong(let maximum): "密码不能超过 \(maximum) 字节 (password too long: at most \(maximum) UTF-8 bytes)"
            }
        }
    }

    public static let minimumLength = 10
    public static let maximumBytes = 72

    /// The hash to store for `password`, after checking it may be used. Tests may ask for
    /// a lower `cost` (4 to 31).
    public static func hash(_ password: String, cost: UInt8 = Passwords.cost) throws(Refusal) -> String {
        guard password.count >= minimumLength else { throw .tooShort(minimum: minimumLength) }
        guard password.utf8.count <= maximumBytes else { throw .tooLong(maximumBytes: maximumBytes) }
        return Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` is the one `hash` was made from.
    public static func verify(_ password: String, against hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
