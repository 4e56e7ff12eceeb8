/// A list cut into pages: the page shown (the last when a later one was asked), its rows,
/// and its neighbours.
struct Pager {
    let page: Int
    let pages: Int
    let rows: Range<Int>

    init(total: Int, size: Int, asked: Int) {
        pages = max(1, (total + size - 1) / size)
        page = min(max(1, asked), pages)
        rows = min(total, (page - 1) * size)..<min(total, page * size)
    }

    var previous: Int? { page > 1 ? page - 1 : nil }
    var next: Int? { page < pages ? page + 1 : nil }
}
