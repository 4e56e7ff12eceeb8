import Dispatch

/// `map` on every core, results in input order: for CPU work that needs nothing but
/// its input (parsing feed bodies, scoring batches of items).
enum ParallelMap {
    static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], _ transform: @Sendable (Input) -> Output) -> [Output] {
        guard inputs.count > 1 else { return inputs.map(transform) }
        return [Output](unsafeUninitializedCapacity: inputs.count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
                slots.base!.advanced(by: index).initialize(to: transform(inputs[index]))
            }
            initialized = inputs.count
        }
    }

    /// The output memory: each slot written by exactly one worker.
    private struct Slots<Value>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Value>?
    }
}
