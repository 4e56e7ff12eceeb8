import Dispatch

/// The one place where wagewatch works on every core or waits across threads.
///
/// Two kinds of work leave Swift's cooperative pool:
/// - CPU-bound loops over many values (parsing, scoring, the register's chunks), run with
///   `forEachChunk`, `map` and `mapChunks`: Dispatch's `concurrentPerform`, which returns
///   when every iteration has run, so no value outlives the call that made it.
/// - Work that blocks a thread or keeps it for long (a batch read of the store, a whole
///   register), run with `run`: the calling task is suspended, not its thread.
///
/// The memory the iterations of one loop share is `SharedBuffer` (read only, owned by the
/// caller for the whole loop) and `Slots` (each index initialized by exactly one
/// iteration). A value one thread makes and others wait for, blocking, is a `Promise`:
/// waited for on Dispatch's or GRDB's threads only, never on a cooperative thread.
///
/// These four types are the project's only `@unchecked Sendable` types that share
/// mutable memory between threads; each states the rule its users keep. (`overlapping`
/// hands its caller's closure to one other thread in a private box, while the caller waits.)
public enum Parallel {
    /// Runs `body` on every chunk of `0 ..< count`, chunks of `size`, on every core;
    /// returns once all have run.
    public static func forEachChunk(of count: Int, size: Int, _ body: @Sendable (Range<Int>) -> Void) {
        precondition(size > 0)
        guard count > 0 else { return }
        DispatchQueue.concurrentPerform(iterations: chunkCount(of: count, size: size)) { chunk in
            body(chunk * size..<min(count, (chunk + 1) * size))
        }
    }

    /// How many chunks of `size` cover `0 ..< count`.
    public static func chunkCount(of count: Int, size: Int) -> Int {
        (count + size - 1) / size
    }

    /// The value of each chunk of `0 ..< count`, in chunk order, made on every core.
    public static func mapChunks<Value>(of count: Int, size: Int, _ value: @Sendable (Range<Int>) -> Value) -> [Value] {
        let chunks = count > 0 ? chunkCount(of: count, size: size) : 0
        return [Value](unsafeUninitializedCapacity: chunks) { buffer, initialized in
            let slots = Slots(buffer)
            forEachChunk(of: count, size: size) { range in
                slots.initialize(range.lowerBound / size, to: value(range))
            }
            initialized = chunks
        }
    }

    /// `value` of each index of `0 ..< count`, in order, made on every core in chunks of `chunkSize`.
    public static func map<Value>(_ count: Int, chunkSize: Int = 16_384, _ value: @Sendable (Int) -> Value) -> [Value] {
        [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = Slots(buffer)
            forEachChunk(of: count, size: chunkSize) { range in
                for index in range { slots.initialize(index, to: value(index)) }
            }
            initialized = count
        }
    }

    /// Runs `work` and, on another core meanwhile, `alongside`; returns `alongside`'s value
    /// once both have run. `work` may change the caller's variables: it runs alone on them
    /// (on the calling thread or on one of Dispatch's, while the caller waits), and
    /// `alongside`, being `@Sendable`, shares nothing mutable with it.
    public static func overlapping<Value>(_ work: () -> Void, alongside: @Sendable () -> Value) -> Value {
        withoutActuallyEscaping(work) { work in
            let exclusive = Exclusive(work)
            return [Value](unsafeUninitializedCapacity: 1) { buffer, initialized in
                let slots = Slots(buffer)
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    if index == 0 { exclusive.run() } else { slots.initialize(0, to: alongside()) }
                }
                initialized = 1
            }[0]
        }
    }

    /// Runs `work` on one of Dispatch's threads while the calling task waits suspended:
    /// for work that blocks its thread (SQLite) or keeps it for long (a register, a batch
    /// of scoring), which must not hold one of the few cooperative threads.
    public static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result(catching: work)) }
        }
    }

    /// `run` for work that cannot fail.
    public static func run<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    /// Lets go of `value` on a background thread, then runs `after` there: freeing a few
    /// hundred thousand values takes time the caller's answer need not wait for.
    public static func release<Value>(_ value: consuming Value, then after: @escaping @Sendable () -> Void = {}) {
        let box = Released(value)
        DispatchQueue.global(qos: .utility).async {
            box.drop()
            after()
        }
    }
}

/// Memory that the iterations of one parallel loop initialize, each index by exactly one
/// iteration, while the caller keeps the memory alive and reads it only after the loop.
public struct Slots<Value>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Value>?
    public let count: Int

    public init(_ buffer: UnsafeMutableBufferPointer<Value>) {
        base = buffer.baseAddress
        count = buffer.count
    }

    public init(base: UnsafeMutablePointer<Value>?, count: Int) {
        precondition(count == 0 || base != nil)
        self.base = base
        self.count = count
    }

    /// Initializes the slot at `index` (it must not hold a value).
    public func initialize(_ index: Int, to value: consuming Value) {
        precondition(index >= 0 && index < count)
        // The precondition above: a slot exists, so the memory does.
        (base.unsafelyUnwrapped + index).initialize(to: value)
    }

    /// The slots `start ..< start + count`: the part of a list one worker fills.
    public func region(from start: Int, count: Int) -> Slots {
        precondition(start >= 0 && count >= 0 && start + count <= self.count)
        return Slots(base: count == 0 ? nil : base.map { $0 + start }, count: count)
    }

    /// A view of the slots for one worker (the only one writing them).
    public var buffer: UnsafeMutableBufferPointer<Value> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }
}

/// Memory that the iterations of one parallel loop only read, while its owner keeps it
/// alive and unchanged for the whole loop.
public struct SharedBuffer<Value>: @unchecked Sendable {
    public let buffer: UnsafeBufferPointer<Value>

    public init(_ buffer: UnsafeBufferPointer<Value>) {
        self.buffer = buffer
    }

    public var count: Int { buffer.count }

    /// The address of the element at `index`, to read it in place.
    public subscript(index: Int) -> UnsafePointer<Value> {
        precondition(index >= 0 && index < buffer.count)
        return buffer.baseAddress.unsafelyUnwrapped + index
    }

    /// The elements `range`, for one worker.
    public subscript(range: Range<Int>) -> UnsafeBufferPointer<Value> {
        UnsafeBufferPointer(rebasing: buffer[range])
    }
}

/// A value one thread makes once and other threads wait for, blocking: Dispatch's and
/// GRDB's threads, never Swift's cooperative ones (use `Parallel.run` there).
public final class Promise<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once, before `done` is signalled; read only after a wait on `done`.
    private var result: Result<Value, any Error>?

    public init() {}

    /// Sets the value, or the error of making it. Call once.
    public func fulfil(_ make: () throws -> Value) {
        precondition(result == nil, "a promise is fulfilled once")
        result = Result(catching: make)
        done.signal()
    }

    /// The value, once set; any number of threads may wait.
    public func wait() throws -> Value {
        done.wait()
        defer { done.signal() }  // for the next waiter
        // A wait returned: the value was set before the signal.
        return try result.unsafelyUnwrapped.get()
    }

    /// The value, handed over to the one caller: the promise keeps no reference to it (a
    /// list then grows without a copy). No one may wait after.
    public func take() throws -> Value {
        done.wait()
        defer { result = nil }
        return try result.unsafelyUnwrapped.get()
    }
}

/// A closure that one iteration of `overlapping` runs, once, while its caller waits.
private final class Exclusive: @unchecked Sendable {
    /// Called by one thread only, while the thread that made the box waits for it.
    private let body: () -> Void

    init(_ body: @escaping () -> Void) {
        self.body = body
    }

    func run() {
        body()
    }
}

/// A value whose last reference is dropped on another thread.
private final class Released<Value>: @unchecked Sendable {
    /// Dropped once, by the one thread `release` hands the box to.
    private var value: Value?

    init(_ value: consuming Value) {
        self.value = value
    }

    func drop() {
        value = nil
    }
}
