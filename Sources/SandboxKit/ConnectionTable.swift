/// The server's open connections and what each is waiting for, apart from sockets so
/// that timeouts and eviction are tested alone. Slots are indexed by file descriptor; a
/// generation number tells a reused descriptor from the connection it replaced.
///
/// A connection is `busy` from the moment a whole request is handed to a worker until
/// the worker has answered; only then can it time out or be evicted, so a slow answer
/// (latency, `delay_ms`, `drip`) is never cut short by the table.
struct ConnectionTable {
    enum Phase: UInt8 {
        case free
        /// Accepted; nothing received yet.
        case fresh
        /// Between requests on a keep-alive connection.
        case idle
        /// Part of a request received.
        case partial
        /// A worker has its request.
        case busy
    }

    struct Slot {
        var phase = Phase.free
        var generation: UInt32 = 0
        /// When the current wait began: accept (fresh), the end of the last answer (idle),
        /// the first byte of the request (partial, after idle).
        var since = 0.0
        var buffer: [UInt8] = []
        /// How far `buffer` is known not to hold the end of a head.
        var scanned = 0
        var prev: Int32 = -1
        var next: Int32 = -1
    }

    /// A first-in first-out list of slots, linked through them.
    struct Queue {
        var head: Int32 = -1
        var tail: Int32 = -1
    }

    /// Which queue a slot of this phase waits in (nil: none).
    private enum Which { case idle, reading }

    /// An event's identity: the generation in the high half, the descriptor in the low.
    typealias Tag = UInt64

    let idleTimeout: Double
    let headTimeout: Double
    private(set) var slots: [Slot] = []
    /// Keep-alive connections between requests, oldest first (deadline: idleTimeout).
    private var idle = Queue()
    /// Fresh connections and those part-way through a request, oldest first
    /// (deadline: headTimeout).
    private var reading = Queue()
    /// Open connections, busy ones included.
    private(set) var count = 0

    init(idleTimeout: Double, headTimeout: Double) {
        self.idleTimeout = idleTimeout
        self.headTimeout = headTimeout
    }

    static func fd(of tag: Tag) -> Int32 { Int32(truncatingIfNeeded: tag & 0xFFFF_FFFF) }

    func tag(_ fd: Int32) -> Tag { UInt64(slots[Int(fd)].generation) << 32 | UInt64(UInt32(bitPattern: fd)) }

    /// The phase of the connection an event was for; nil when that connection is gone.
    func phase(of tag: Tag) -> Phase? {
        let fd = Int(ConnectionTable.fd(of: tag))
        guard fd >= 0, fd < slots.count, UInt64(slots[fd].generation) == tag >> 32, slots[fd].phase != .free else { return nil }
        return slots[fd].phase
    }

    func buffered(_ fd: Int32) -> Int { slots[Int(fd)].buffer.count }

    // MARK: - Changes

    /// A newly accepted connection.
    mutating func open(_ fd: Int32, now: Double) -> Tag {
        let i = Int(fd)
        if i >= slots.count { slots += Array(repeating: Slot(), count: max(i + 1 - slots.count, slots.count / 2, 64)) }
        precondition(slots[i].phase == .free, "descriptor \(fd) opened twice")  // the kernel reuses only closed ones
        slots[i].phase = .fresh
        slots[i].since = now
        link(fd, .reading)
        count += 1
        return tag(fd)
    }

    /// Bytes read from a connection (by the I/O thread, or by the worker that holds it).
    mutating func received(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, now: Double) {
        let i = Int(fd)
        slots[i].buffer.append(contentsOf: bytes)
        if slots[i].phase == .busy { return }
        if slots[i].phase == .idle {
            unlink(fd, .idle)
            slots[i].since = now
            link(fd, .reading)
        }
        slots[i].phase = .partial
    }

    /// The first request in the connection's buffer. A whole one is taken out of the
    /// buffer and the connection becomes busy; a rejection leaves the caller to close it.
    mutating func takeRequest(_ fd: Int32) -> HTTPParser.Framed {
        let i = Int(fd)
        guard !slots[i].buffer.isEmpty else { return .incomplete(scanned: 0) }
        let framed = HTTPParser.frame(slots[i].buffer, scanned: slots[i].scanned)
        switch framed {
        case .incomplete(let scanned):
            slots[i].scanned = scanned
        case .request(_, _, let length):
            if length == slots[i].buffer.count {
                slots[i].buffer = []  // gives the memory back: idle connections hold none
            } else {
                slots[i].buffer.removeFirst(length)
            }
            slots[i].scanned = 0
            unlink(fd, queue(of: slots[i].phase))
            slots[i].phase = .busy
        case .reject:
            break
        }
        return framed
    }

    /// A worker has answered and the connection stays open. Returns whether bytes of a
    /// further request are already buffered.
    mutating func finished(_ fd: Int32, now: Double) -> Bool {
        let i = Int(fd)
        slots[i].since = now
        slots[i].phase = slots[i].buffer.isEmpty ? .idle : .partial
        link(fd, slots[i].buffer.isEmpty ? .idle : .reading)
        return !slots[i].buffer.isEmpty
    }

    mutating func close(_ fd: Int32) {
        let i = Int(fd)
        guard i < slots.count, slots[i].phase != .free else { return }
        unlink(fd, queue(of: slots[i].phase))
        slots[i] = Slot(generation: slots[i].generation &+ 1)
        count -= 1
    }

    // MARK: - Who goes

    /// The connection to close to make room for a new one: the one that has waited
    /// longest for its client, idle keep-alive ones first; never a busy one.
    func evictionCandidate() -> Int32? {
        if idle.head >= 0 { return idle.head }
        if reading.head >= 0 { return reading.head }
        return nil
    }

    /// Closes (in the table) every connection whose wait is over; for each, whether part
    /// of a request had arrived (it is owed a 408).
    mutating func expire(now: Double) -> [(fd: Int32, midRequest: Bool)] {
        var out: [(fd: Int32, midRequest: Bool)] = []
        while idle.head >= 0, slots[Int(idle.head)].since + idleTimeout <= now {
            out.append((idle.head, false))
            close(idle.head)
        }
        while reading.head >= 0, slots[Int(reading.head)].since + headTimeout <= now {
            out.append((reading.head, !slots[Int(reading.head)].buffer.isEmpty))
            close(reading.head)
        }
        return out
    }

    /// When the next wait runs out, if any connection is waiting.
    func nextDeadline() -> Double? {
        let a = idle.head >= 0 ? slots[Int(idle.head)].since + idleTimeout : nil
        let b = reading.head >= 0 ? slots[Int(reading.head)].since + headTimeout : nil
        switch (a, b) {
        case let (x?, y?): return min(x, y)
        default: return a ?? b
        }
    }

    // MARK: - The queues

    private func queue(of phase: Phase) -> Which? {
        switch phase {
        case .idle: return .idle
        case .fresh, .partial: return .reading
        case .busy, .free: return nil
        }
    }

    private mutating func link(_ fd: Int32, _ which: Which) {
        var q = which == .idle ? idle : reading
        let i = Int(fd)
        slots[i].prev = q.tail
        slots[i].next = -1
        if q.tail >= 0 { slots[Int(q.tail)].next = fd } else { q.head = fd }
        q.tail = fd
        if which == .idle { idle = q } else { reading = q }
    }

    private mutating func unlink(_ fd: Int32, _ which: Which?) {
        guard let which else { return }
        var q = which == .idle ? idle : reading
        let i = Int(fd)
        let (p, n) = (slots[i].prev, slots[i].next)
        if p >= 0 { slots[Int(p)].next = n } else { q.head = n }
        if n >= 0 { slots[Int(n)].prev = p } else { q.tail = p }
        slots[i].prev = -1
        slots[i].next = -1
        if which == .idle { idle = q } else { reading = q }
    }
}
