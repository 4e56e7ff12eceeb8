import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store is: `postgres://USER@HOST:PORT/DATABASE?sslmode=MODE`, and
/// optionally `&schema=NAME` for the schema its tables live in (made when missing; the
/// user's default schema otherwise).
///
/// The password is never part of it: it comes from `PGPASSWORD`, from the password file
/// `~/.pgpass` (or the one `PGPASSFILE` or `?passfile=` names), or from a file holding only
/// the password (`WAGEWATCH_DATABASE_PASSWORD_FILE`). `description` never shows it.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// libpq's modes: disable, allow and prefer (TLS when offered), require (TLS, no
    /// certificate check), verify-ca (the chain), verify-full (the chain and the host name).
    public var sslMode: String
    /// The CA certificates to check the server's against (`sslrootcert`); the system's otherwise.
    public var rootCertificate: String?
    /// The schema of the store's tables; nil for the user's default.
    public var schema: String?
    var passwordFile: String?

    /// Whether `text` names a PostgreSQL store rather than a SQLite file.
    public static func isLocation(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads a location; errors say what is wrong, without echoing a password.
    public init(_ text: String) throws {
        guard Self.isLocation(text), let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
            throw StoreError.badLocation("expected postgres://USER@HOST[:PORT]/DATABASE[?sslmode=...]")
        }
        guard url.password == nil else {
            throw StoreError.badLocation(
                "the password does not belong in the address: use PGPASSWORD, ~/.pgpass or WAGEWATCH_DATABASE_PASSWORD_FILE")
        }
        guard let user = url.user, !user.isEmpty else {
            throw StoreError.badLocation("the address names no user (postgres://USER@HOST/DATABASE)")
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw StoreError.badLocation("the address names no database") }
        self.host = host
        self.port = url.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.database = database.removingPercentEncoding ?? database
        self.sslMode = "prefer"
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                let modes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
                guard let mode = item.value, modes.contains(mode) else {
                    throw StoreError.badLocation("sslmode must be one of \(modes.joined(separator: ", "))")
                }
                sslMode = mode
            case "sslrootcert": rootCertificate = item.value
            case "passfile": passwordFile = item.value
            case "schema":
                guard let name = item.value, Self.isPlainName(name) else {
                    throw StoreError.badLocation("a schema name is letters, digits and _, beginning with a letter")
                }
                schema = name
            case "application_name", "connect_timeout": break
            default: throw StoreError.badLocation("unknown parameter \(item.name)")
            }
        }
    }

    public var description: String {
        let parameters = [sslMode == "prefer" ? nil : "sslmode=\(sslMode)", schema.map { "schema=\($0)" }].compactMap { $0 }
        return "postgres://\(user)@\(host):\(port)/\(database)" + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
    }

    /// A name that needs no quoting: ASCII letters, digits and `_`, beginning with a letter.
    public static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic, name.utf8.count <= 63 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// The same server and user, another database (each test suite makes its own).
    public func database(_ name: String) -> PostgresLocation {
        var location = self
        location.database = name
        return location
    }

    /// The password, from the environment or the files; nil when none is given (trust
    /// or peer authentication).
    func password(environment: [String: String]) throws -> String? {
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        if let path = environment["WAGEWATCH_DATABASE_PASSWORD_FILE"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw StoreError.badLocation("the password file \(path) cannot be read")
            }
            return text.trimmingCharacters(in: .newlines)
        }
        let passfile =
            passwordFile ?? environment["PGPASSFILE"]
            ?? (environment["HOME"].map { $0 + "/.pgpass" } ?? NSHomeDirectory() + "/.pgpass")
        guard let text = try? String(contentsOfFile: passfile, encoding: .utf8) else { return nil }
        return Self.password(inPassfile: text, host: host, port: port, database: database, user: user)
    }

    /// The password of the first line of a `.pgpass` file (`host:port:database:user:password`,
    /// `*` for any, `\:` and `\\` escaped) that matches.
    static func password(inPassfile text: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [""]
            var escaped = false
            for character in line {
                if escaped {
                    fields[fields.count - 1].append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == ":" && fields.count < 5 {
                    fields.append("")
                } else {
                    fields[fields.count - 1].append(character)
                }
            }
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// PostgresNIO's configuration of a connection to this location.
    func configuration(environment: [String: String]) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        if sslMode == "disable" {
            tls = .disable
        } else {
            var settings = TLSConfiguration.makeClientConfiguration()
            switch sslMode {
            case "verify-full": settings.certificateVerification = .fullVerification
            case "verify-ca": settings.certificateVerification = .noHostnameVerification
            default: settings.certificateVerification = .none
            }
            if let rootCertificate { settings.trustRoots = .file(rootCertificate) }
            let context = try NIOSSLContext(configuration: settings)
            tls = ["require", "verify-ca", "verify-full"].contains(sslMode) ? .require(context) : .prefer(context)
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: try password(environment: environment), database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        if let schema { configuration.options.additionalStartupParameters.append(("search_path", schema)) }
        return configuration
    }
}
