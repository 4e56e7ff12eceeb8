import Foundation

/// Expands `${NAME}` references in feed header values from the environment.
///
/// The expanded values are secrets (cookies, tokens): they go to libcurl and
/// nowhere else.
public enum HeaderTemplate {
    /// Returns `template` with each `${NAME}` replaced by the variable's value.
    public static func expand(
        _ template: String, feed: String,
        environment: [String: String]
    ) throws(IngestError) -> String {
        var result = ""
        var rest = template[...]
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                result += rest[open.lowerBound...]
                return result
            }
            let name = String(rest[open.upperBound..<close])
            guard let value = environment[name] else {
                throw .missingEnvironment(feed: feed, variable: name)
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
