import Foundation
import Logging
import Model

/// Log lines as JSON objects, one a line, for a log collector (`--log-format json` or
/// `WAGEWATCH_LOG_FORMAT=json`): `time` (local time with its zone, to the millisecond),
/// `level`, `label`, `message`, `source`, and the metadata's fields as strings. The same
/// lines as the text format says, nothing more: what a text line keeps out (personal
/// data) a JSON line keeps out too.
struct JSONLogHandler: LogHandler {
    var label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadataProvider?.get() ?? [:]
        fields.merge(metadata) { _, new in new }
        fields.merge(event.metadata ?? [:]) { _, new in new }
        var line = "{"
        func add(_ key: String, _ value: String) {
            if line.count > 1 { line += "," }
            JSONString.appendQuoted(key, to: &line)
            line += ":"
            JSONString.appendQuoted(value, to: &line)
        }
        add("time", Self.timestamp(Date()))
        add("level", event.level.rawValue)
        add("label", label)
        add("message", event.message.description)
        add("source", event.source)
        for key in fields.keys.sorted() where !["time", "level", "label", "message", "source"].contains(key) {
            // swift-format-ignore: NeverForceUnwrap
            // (a key of fields)
            add(key, "\(fields[key]!)")
        }
        line += "}\n"
        // One line at a time: a line longer than a pipe takes at once would otherwise be
        // cut into by another thread's.
        Self.writing.withLock { FileHandle.standardError.write(Data(line.utf8)) }
    }

    private static let writing = NSLock()

    /// `2026-12-06T20:04:24.123+08:00`: the machine's local time and its offset.
    static func timestamp(_ date: Date) -> String {
        var time = timeval()
        time.tv_sec = Int(date.timeIntervalSince1970)
        var parts = tm()
        var seconds = time.tv_sec
        localtime_r(&seconds, &parts)
        let offset = parts.tm_gmtoff
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        let millis = Int((date.timeIntervalSince1970 - Double(time.tv_sec)) * 1_000)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d%@%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), max(0, min(999, millis)), sign,
            minutes / 60, minutes % 60)
    }
}
