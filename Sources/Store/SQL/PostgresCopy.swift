import Dispatch
import NIOCore
import PostgresNIO
import Synchronization

extension SQLSession {
    /// Adds `count` rows of `columns` to `table`, `values(i)` the i-th: on PostgreSQL with
    /// COPY (no statement of thousands of arguments to parse and bind: a cycle's new items
    /// and their verdicts), on SQLite with one compiled INSERT bound for each row. The
    /// table's triggers and constraints apply as to an INSERT.
    func copyRows(into table: String, columns: [String], count: Int, values: (Int) -> [SQLValue]) throws {
        guard count > 0 else { return }
        switch connection {
        case .sqlite:
            try insertRows(into: table, columns: columns, count: count, values: values)
        case .postgres(let connection, let logger):
            // Made here, sent from a task: the writer is PostgresNIO's, and asynchronous.
            var chunks: [ByteBuffer] = []
            var chunk = ByteBuffer()
            chunk.reserveCapacity(PostgresCopyText.chunkSize + 64 * 1024)
            for row in 0..<count {
                PostgresCopyText.appendRow(values(row), to: &chunk)
                if chunk.readableBytes >= PostgresCopyText.chunkSize {
                    chunks.append(chunk)
                    chunk = ByteBuffer()
                    chunk.reserveCapacity(PostgresCopyText.chunkSize + 64 * 1024)
                }
            }
            if chunk.readableBytes > 0 { chunks.append(chunk) }
            // One COPY a chunk, each sent in one write: PostgresNIO's writer, made to wait for
            // room by an earlier write, may never be told of an error the server sends then.
            // (PostgresNIO's errors become store errors where the connection was taken.)
            for chunk in chunks {
                try Self.waiting(on: connection.eventLoop) {
                    try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                        try await writer.write(chunk)
                    }
                }
            }
        }
    }

    /// Runs `body` in a task and blocks this thread (a Dispatch thread, never a cooperative
    /// one: see the type's notes) until it ends. The task runs on the connection's event
    /// loop, whose thread only ever waits for the network: on Swift's few cooperative
    /// threads or Dispatch's, it would wait for a thread that may itself be waiting, for
    /// this transaction or for another blocked like this one.
    private static func waiting(on eventLoop: any EventLoop, _ body: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Void, any Error>>(.success(()))
        Task(executorPreference: EventLoopTaskExecutor(eventLoop)) {
            do {
                try await body()
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        try outcome.withLock { $0 }.get()
    }
}

/// Rows in the text format of PostgreSQL's COPY: values separated by tabs, a row ended by
/// a newline, `\N` for NULL, and a backslash before each backslash, tab, newline and
/// carriage return inside a value.
enum PostgresCopyText {
    /// Bytes sent to the server a message.
    static let chunkSize = 1 << 20

    static func appendRow(_ values: [SQLValue], to buffer: inout ByteBuffer) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            append(value, to: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    static func append(_ value: SQLValue, to buffer: inout ByteBuffer) {
        switch value {
        case .null: buffer.writeStaticString("\\N")
        case .integer(let number): buffer.writeString(String(number))
        // Swift's shortest text that reads back as the same number; PostgreSQL reads inf and nan too.
        case .real(let number): buffer.writeString(number.description)
        case .bool(let flag): buffer.writeStaticString(flag ? "t" : "f")
        case .text(let text):
            var text = text
            text.withUTF8 { bytes in appendEscaped(bytes, to: &buffer) }
        case .blob(let bytes):
            // bytea's hex form, its backslash escaped: \\x0a1b…
            buffer.writeStaticString("\\\\x")
            let digits = Array("0123456789abcdef".utf8)
            for byte in bytes {
                buffer.writeInteger(digits[Int(byte >> 4)])
                buffer.writeInteger(digits[Int(byte & 0x0f)])
            }
        }
    }

    /// UTF-8 text with COPY's escapes; a NUL (PostgreSQL's text holds none) as U+FFFD, as
    /// when it is bound.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout ByteBuffer) {
        var start = 0
        for (index, byte) in bytes.enumerated() {
            let escaped: StaticString
            switch byte {
            case UInt8(ascii: "\\"): escaped = "\\\\"
            case UInt8(ascii: "\t"): escaped = "\\t"
            case UInt8(ascii: "\n"): escaped = "\\n"
            case UInt8(ascii: "\r"): escaped = "\\r"
            case 0: escaped = "\u{FFFD}"
            default: continue
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
            buffer.writeStaticString(escaped)
            start = index + 1
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<bytes.count]))
    }
}

/// Runs a task's jobs on an event loop's thread (they do not block: each runs until the
/// task waits again).
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
