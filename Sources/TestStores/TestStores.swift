import Foundation
import Model
import Store

/// The store a test works on: a SQLite file in the test's folder, or, when
/// `WAGEWATCH_TEST_POSTGRES` names a PostgreSQL database (scripts/test sets it for its
/// PostgreSQL pass, with a throwaway cluster of scripts/postgres), a schema of that
/// database of the test's own. Not part of the program.
public enum TestStores {
    /// The PostgreSQL database of this test run, if it runs on PostgreSQL.
    public static let postgres: PostgresLocation? = ProcessInfo.processInfo.environment["WAGEWATCH_TEST_POSTGRES"].flatMap {
        try? PostgresLocation($0)
    }

    /// The engine this test run works on.
    public static var engine: StoreEngine { postgres == nil ? .sqlite : .postgres }

    /// Opens the store of `folder` (a test's temporary folder), making it when new: the
    /// same store each time for the same folder and name.
    public static func open(folder: URL, name: String = "store.sqlite") throws -> AppDatabase {
        guard let location = location(folder: folder, name: name) else {
            return try AppDatabase.open(path: folder.appendingPathComponent(name).path)
        }
        return try AppDatabase.open(postgres: location)
    }

    /// The PostgreSQL location of the store of `folder` and `name`: a schema named after them.
    public static func location(folder: URL, name: String = "store.sqlite") -> PostgresLocation? {
        guard var location = postgres else { return nil }
        let key = folder.standardizedFileURL.path + "/" + name
        location.schema = "t_" + String(StableHash.value(of: key), radix: 16)
        return location
    }

    /// What names the store of `folder` and `name` on the command line (`--database`).
    public static func argument(folder: URL, name: String = "store.sqlite") -> String {
        location(folder: folder, name: name)?.description ?? folder.appendingPathComponent(name).path
    }
}
