import Foundation

/// A page model as the templates read it: dictionaries, arrays, strings, numbers and
/// booleans of Swift's own (swift-mustache looks a key up in a struct through a new Mirror
/// each time, and in Foundation's JSON objects through bridging casts; both cost more than
/// the rest of a page). A nil optional is left out, as in the model's JSON twin.
enum TemplateValues {
    static func make(_ value: some Encodable) throws -> Any {
        let encoder = TreeEncoder()
        try value.encode(to: encoder)
        return encoder.node.value
    }
}

/// One value being made: an object, an array or a single value. A nested container's
/// node stands in its parent until the tree is read (`hasNodes` says to look for them).
private final class Node {
    var object: [String: Any]?
    var array: [Any]?
    var single: Any?
    var hasNodes = false

    var value: Any {
        guard hasNodes else { return object ?? array ?? single ?? [String: Any]() }
        func resolved(_ value: Any) -> Any { (value as? Node)?.value ?? value }
        if let object { return object.mapValues(resolved) }
        if let array { return array.map(resolved) }
        return single.map(resolved) ?? [String: Any]()
    }

    /// A new node standing at `key` of this object, or at the end of this array.
    func child(at key: String?, object: Bool) -> Node {
        let child = Node()
        if object { child.object = [:] } else { child.array = [] }
        place(child, at: key)
        return child
    }

    func place(_ child: Node, at key: String?) {
        hasNodes = true
        if let key { set(child, at: key) } else { append(child) }
    }

    /// Sets `value` at `key` of this object (made if there is none).
    func set(_ value: Any, at key: String) {
        if object == nil { object = [key: value] } else { object?[key] = value }
    }

    /// Appends `value` to this array (made if there is none).
    func append(_ value: Any) {
        if array == nil { array = [value] } else { array?.append(value) }
    }
}

private final class TreeEncoder: Encoder {
    let node: Node
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init() {
        node = Node()
    }

    /// An encoder whose value stands at `key` of `parent`, or at its end (an array).
    init(at parent: Node, key: String?) {
        node = Node()
        parent.place(node, at: key)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.object == nil { node.object = [:] }
        return KeyedEncodingContainer(KeyedTreeContainer<Key>(node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.array == nil { node.array = [] }
        return UnkeyedTreeContainer(node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleTreeContainer(node: node)
    }

    /// A value's tree: plain values as themselves, others through their `encode(to:)`.
    static func tree(_ value: some Encodable) throws -> Any {
        switch value {
        case let text as String: return text
        // Shown as text, and as a path segment through the template's `path(...)`.
        case let id as LinkID: return id
        case let flag as Bool: return flag
        case let number as Int: return number
        case let number as Double: return number
        // Other numbers as Int or Double (their own encode(to:) would come back here).
        case let number as any BinaryInteger: return Int(truncatingIfNeeded: number)
        case let number as any BinaryFloatingPoint: return Double(number)
        default:
            let encoder = TreeEncoder()
            try value.encode(to: encoder)
            return encoder.node.value
        }
    }
}

private struct KeyedTreeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode(_ value: String, forKey key: Key) throws { node.set(value, at: key.stringValue) }
    mutating func encode(_ value: Int, forKey key: Key) throws { node.set(value, at: key.stringValue) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { node.set(value, at: key.stringValue) }
    mutating func encode(_ value: Double, forKey key: Key) throws { node.set(value, at: key.stringValue) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.set(try TreeEncoder.tree(value), at: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(KeyedTreeContainer<NestedKey>(node: node.child(at: key.stringValue, object: true)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedTreeContainer(node: node.child(at: key.stringValue, object: false))
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(at: node, key: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(at: node, key: key.stringValue) }
}

private struct UnkeyedTreeContainer: UnkeyedEncodingContainer {
    let node: Node
    var codingPath: [any CodingKey] { [] }
    var count: Int { node.array?.count ?? 0 }

    mutating func encodeNil() throws {}
    mutating func encode<T: Encodable>(_ value: T) throws {
        node.append(try TreeEncoder.tree(value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedTreeContainer<NestedKey>(node: node.child(at: nil, object: true)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedTreeContainer(node: node.child(at: nil, object: false))
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(at: node, key: nil) }
}

private struct SingleTreeContainer: SingleValueEncodingContainer {
    let node: Node
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws {}
    mutating func encode<T: Encodable>(_ value: T) throws { node.single = try TreeEncoder.tree(value) }
}
