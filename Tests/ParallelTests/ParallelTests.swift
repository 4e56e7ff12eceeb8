import Dispatch
import Synchronization
import Testing

@testable import Parallel

@Suite struct ParallelTests {
    @Test(arguments: [0, 1, 5, 16_384, 16_385, 100_003])
    func mapKeepsOrder(count: Int) {
        let values = Parallel.map(count, chunkSize: 1_000) { $0 * 3 }
        #expect(values == (0..<count).map { $0 * 3 })
    }

    @Test(arguments: [(0, 7), (1, 7), (7, 7), (8, 7), (100, 9)])
    func chunksCoverEveryIndexOnce(count: Int, size: Int) {
        let chunks = Parallel.mapChunks(of: count, size: size) { $0 }
        #expect(chunks.count == Parallel.chunkCount(of: count, size: size))
        #expect(chunks.flatMap { Array($0) } == Array(0..<count))
        #expect(chunks.allSatisfy { $0.count <= size && !$0.isEmpty })

        let seen = Mutex([Int](repeating: 0, count: count))
        Parallel.forEachChunk(of: count, size: size) { range in
            seen.withLock { for index in range { $0[index] += 1 } }
        }
        #expect(seen.withLock { $0 }.allSatisfy { $0 == 1 })
    }

    @Test func slotsFilledByManyWorkers() {
        let count = 50_000
        let strings = [String](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = Slots(buffer)
            Parallel.forEachChunk(of: count, size: 777) { range in
                // Each worker writes its own region.
                let region = slots.region(from: range.lowerBound, count: range.count)
                for offset in 0..<region.count { region.initialize(offset, to: "s\(range.lowerBound + offset)") }
            }
            initialized = count
        }
        #expect(strings == (0..<count).map { "s\($0)" })
        let empty = Slots<Int>(base: nil, count: 0)
        #expect(empty.region(from: 0, count: 0).count == 0)
    }

    @Test func sharedBufferIsReadInPlace() {
        let values = Array(0..<10_000)
        let sums = values.withUnsafeBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            return Parallel.mapChunks(of: shared.count, size: 1_000) { range in shared[range].reduce(0, +) }
        }
        #expect(sums.reduce(0, +) == values.reduce(0, +))
        values.withUnsafeBufferPointer { buffer in
            #expect(SharedBuffer(buffer)[42].pointee == 42)
        }
    }

    @Test(arguments: [0, 1, 10_000])
    func overlappingRunsBothAndHandsBackTheOthersValue(count: Int) {
        // The work changes the caller's variables; the value made alongside comes back.
        var taken: [Int] = []
        let made = Parallel.overlapping({ taken = Array(0..<count) }, alongside: { (0..<count).map { $0 * 2 } })
        #expect(taken == Array(0..<count))
        #expect(made == (0..<count).map { $0 * 2 })
        // Nested: the value alongside may itself be made on every core.
        let nested = Parallel.overlapping({ taken.append(-1) }, alongside: { Parallel.map(count, chunkSize: 100) { $0 + 1 } })
        #expect(nested == (0..<count).map { $0 + 1 })
        #expect(taken.last == -1)
    }

    @Test func promiseServesEveryWaiter() throws {
        let promise = Promise<[Int]>()
        let waited = Mutex(0)
        let group = DispatchGroup()
        for _ in 0..<8 {
            DispatchQueue.global().async(group: group) {
                if (try? promise.wait()) == [1, 2, 3] { waited.withLock { $0 += 1 } }
            }
        }
        promise.fulfil { [1, 2, 3] }
        group.wait()
        #expect(waited.withLock { $0 } == 8)
        #expect(try promise.take() == [1, 2, 3])
    }

    @Test func promiseCarriesTheError() {
        struct Failed: Error {}
        let promise = Promise<Int>()
        DispatchQueue.global().async { promise.fulfil { throw Failed() } }
        #expect(throws: Failed.self) { try promise.take() }
    }

    @Test func runHandsBackValueAndError() async throws {
        struct Failed: Error {}
        let value = await Parallel.run { (0..<1_000).reduce(0, +) }
        #expect(value == 499_500)
        await #expect(throws: Failed.self) { try await Parallel.run { () throws -> Int in throw Failed() } }
    }

    @Test func releaseDropsTheLastReferenceElsewhere() async {
        final class Tracked: Sendable {
            let dropped: @Sendable () -> Void
            init(dropped: @escaping @Sendable () -> Void) { self.dropped = dropped }
            deinit { dropped() }
        }
        let order = Mutex<[String]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Parallel.release(Tracked { order.withLock { $0.append("dropped") } }) {
                order.withLock { $0.append("after") }
                done.resume()
            }
        }
        #expect(order.withLock { $0 } == ["dropped", "after"])
    }
}
