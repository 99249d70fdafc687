import CSystem

/// What epoll reported for a watched fd. epoll always reports `error` and `hangup`, even
/// when neither readable nor writable interest is set: a handler must act on them (close
/// or unwatch the fd), or it is called again on the next iteration.
public struct IOReadiness: Equatable, Sendable, CustomStringConvertible {
    public var readable: Bool
    public var writable: Bool
    public var error: Bool
    public var hangup: Bool

    public init(readable: Bool = false, writable: Bool = false, error: Bool = false, hangup: Bool = false) {
        self.readable = readable
        self.writable = writable
        self.error = error
        self.hangup = hangup
    }

    init(events: UInt32) {
        readable = events & CSYS_EV_IN != 0
        writable = events & CSYS_EV_OUT != 0
        error = events & CSYS_EV_ERR != 0
        hangup = events & CSYS_EV_HUP != 0
    }

    public var description: String {
        var parts: [String] = []
        if readable { parts.append("readable") }
        if writable { parts.append("writable") }
        if error { parts.append("error") }
        if hangup { parts.append("hangup") }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }
}

/// Things worth counting that the loop's sockets decide on their own.
public struct EventLoopCounters: Equatable {
    /// Connections accepted by every `TCPListener` on this loop.
    public var acceptedConnections: Int64 = 0
    /// `accept` failures other than "nothing pending" (EMFILE, ENFILE, ENOMEM, ...).
    public var acceptErrors: Int64 = 0
    /// Connections closed because their unsent output exceeded `maxOutputBytes`.
    public var outputOverflowCloses: Int64 = 0
}

/// One thread, one epoll reactor, one timer heap (Redis `ae`, Dropbear's `session_loop`).
///
/// Each iteration of `run()`:
/// 1. runs the tasks queued with `post` (those queued meanwhile wait for the next iteration);
/// 2. runs every `addBeforeSleep` hook: batched work such as flushing a journal;
/// 3. sleeps in `epoll_wait` until an fd is ready or the earliest timer is due (no sleep
///    when tasks are queued);
/// 4. refreshes `nowMs`, calls the ready fds' handlers;
/// 5. fires the timers that are due (a timer scheduled while timers fire, even with
///    `afterMs: 0`, waits for the next iteration, so a self-rescheduling timer cannot
///    starve I/O).
///
/// Nothing here blocks except `epoll_wait`. Handlers run on the loop's thread, one at a time.
///
/// Ownership: the loop keeps handlers, timers and posted tasks until they are unwatched,
/// fired, cancelled or run; a closure that captures the loop forms a cycle only until then
/// (no `weak` in Embedded Swift). `close()` drops everything still registered so a loop that
/// is done can be freed; the process-lifetime loop of the daemon never needs it.
public final class EventLoop {
    private let epfd: Int32
    private var watches: [Int32: Watch] = [:]
    private var nextWatchSerial: UInt64 = 1
    private var timers = TimerHeap()
    private var nextTimerID: UInt64 = 1
    private var posted: [() -> Void] = []
    private var beforeSleep: [() -> Void] = []
    private var signalFDs: [Int32] = []
    private var events: [csys_event]
    private var stopRequested = false
    private var closed = false
    private var cachedNowMs: Int64
    /// Scratch space for socket reads; one per loop because handlers never nest reads.
    let readScratch: UnsafeMutableRawBufferPointer
    static let readScratchBytes = 65536

    public internal(set) var counters = EventLoopCounters()
    /// Set when `epoll_wait` itself failed and `run()` returned because of it.
    public private(set) var failure: SystemError?

    private final class Watch {
        let fd: Int32
        let serial: UInt64
        var fn: (IOReadiness) -> Void
        var readable: Bool
        var writable: Bool
        init(fd: Int32, serial: UInt64, readable: Bool, writable: Bool, fn: @escaping (IOReadiness) -> Void) {
            self.fd = fd
            self.serial = serial
            self.readable = readable
            self.writable = writable
            self.fn = fn
        }
    }

    /// Creates the epoll instance and ignores SIGPIPE for the process: a peer that
    /// disappears must give EPIPE on write, not kill the daemon.
    public init() throws(SystemError) {
        let fd = csys_epoll_create()
        guard fd >= 0 else { throw SystemError(code: fd, operation: "epoll_create") }
        epfd = fd
        _ = csys_ignore_sigpipe()
        events = [csys_event](repeating: csys_event(), count: 64)
        cachedNowMs = csys_monotonic_ms()
        readScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: EventLoop.readScratchBytes, alignment: 16)
    }

    deinit {
        if !closed {
            for fd in signalFDs { _ = csys_close(fd) }
            _ = csys_close(epfd)
        }
        readScratch.deallocate()
    }

    // MARK: running

    /// Runs until `stop()` is called (from a handler, timer or signal callback). A `stop()`
    /// before `run()` is forgotten: each `run()` starts afresh, as Redis `aeMain` does.
    public func run() {
        stopRequested = false
        while !stopRequested && !closed {
            runPosted()
            for hook in beforeSleep { hook() }
            if stopRequested { break }
            let timeout = posted.isEmpty ? sleepTimeoutMs() : 0
            let n = events.withUnsafeMutableBufferPointer { buf in
                csys_epoll_wait(epfd, buf.baseAddress, Int32(buf.count), timeout)
            }
            cachedNowMs = csys_monotonic_ms()
            if n < 0 {
                failure = SystemError(code: n, operation: "epoll_wait")
                return
            }
            var i = 0
            while i < Int(n) {
                let ev = events[i]
                i += 1
                let fd = Int32(truncatingIfNeeded: ev.token & 0xffff_ffff)
                let serial = ev.token >> 32
                // A handler earlier in this batch may have unwatched (and closed) this fd, and a
                // new watch may reuse the number: the serial tells the two apart.
                guard let w = watches[fd], w.serial == serial else { continue }
                w.fn(IOReadiness(events: ev.events))
            }
            fireDueTimers()
        }
    }

    /// Makes `run()` return after the current handler. Safe to call from anywhere on the loop.
    public func stop() { stopRequested = true }

    /// Monotonic milliseconds, read once per iteration (after `epoll_wait`) and whenever a
    /// timer is scheduled; `refreshNow()` rereads it. Use for deadlines, never for display.
    public var nowMs: Int64 { cachedNowMs }

    @discardableResult
    public func refreshNow() -> Int64 {
        cachedNowMs = csys_monotonic_ms()
        return cachedNowMs
    }

    /// Realtime (wall clock) milliseconds since 1970, for what users see. Can jump.
    public func wallClockMs() -> Int64 { csys_realtime_ms() }

    /// Queues `fn` to run on the loop soon: after the current handler returns and before the
    /// loop next sleeps. Callbacks that must not run inside the caller's own call (a
    /// connection's `onClose`, a connect completion) go through here.
    public func post(_ fn: @escaping () -> Void) {
        posted.append(fn)
    }

    /// Adds a hook run once per iteration, just before the loop sleeps (Redis `beforesleep`):
    /// batched work such as one fsync for everything written during the iteration.
    public func addBeforeSleep(_ fn: @escaping () -> Void) {
        beforeSleep.append(fn)
    }

    /// Drops every watch, timer, hook and queued task (breaking closure cycles through the
    /// loop), closes the epoll and signal fds. Fds registered by others stay open: close
    /// their owners first. The loop cannot run afterwards.
    public func close() {
        guard !closed else { return }
        closed = true
        stopRequested = true
        watches.removeAll()
        timers.removeAll()
        posted.removeAll()
        beforeSleep.removeAll()
        for fd in signalFDs { _ = csys_close(fd) }
        signalFDs.removeAll()
        _ = csys_close(epfd)
    }

    private func runPosted() {
        guard !posted.isEmpty else { return }
        let batch = posted
        posted.removeAll(keepingCapacity: true)
        for fn in batch { fn() }
    }

    // MARK: timers

    /// Runs `fn` once, `afterMs` milliseconds from now (monotonic). Timers due at the same
    /// millisecond fire in the order they were scheduled.
    @discardableResult
    public func schedule(afterMs: Int64, _ fn: @escaping () -> Void) -> TimerID {
        let id = nextTimerID
        nextTimerID += 1
        let now = refreshNow()
        let delay = afterMs < 0 ? 0 : afterMs
        let deadline = delay > Int64.max - now ? Int64.max : now + delay
        timers.insert(TimerHeap.Entry(deadline: deadline, id: id, fn: fn))
        return TimerID(raw: id)
    }

    /// Cancels a pending timer; a timer that already fired or was cancelled is ignored.
    public func cancel(_ t: TimerID) {
        timers.remove(id: t.raw)
    }

    /// Number of pending timers (for tests and diagnostics).
    public var pendingTimers: Int { timers.count }

    private func sleepTimeoutMs() -> Int32 {
        guard let first = timers.earliest else { return -1 }
        let now = refreshNow()
        if first.deadline <= now { return 0 }
        let wait = first.deadline - now
        return wait > Int64(Int32.max) ? Int32.max : Int32(wait)
    }

    private func fireDueTimers() {
        let now = refreshNow()
        let limit = nextTimerID
        while let first = timers.earliest, first.deadline <= now, first.id < limit {
            guard let e = timers.popFirst() else { break }
            e.fn()
            if closed { return }
        }
    }

    // MARK: file descriptors

    /// Registers `fd` (level-triggered). The handler is called with what is ready each
    /// iteration until `unwatch(fd:)`. Throws EEXIST if `fd` is already watched.
    public func watch(fd: Int32, readable: Bool, writable: Bool, _ fn: @escaping (IOReadiness) -> Void) throws(SystemError) {
        guard !closed else { throw SystemError(code: EBADF, operation: "epoll_ctl add fd " + String(fd), message: "epoll_ctl add fd " + String(fd) + ": event loop is closed") }
        guard watches[fd] == nil else { throw SystemError(code: EEXIST, operation: "epoll_ctl add fd " + String(fd)) }
        let serial = nextWatchSerial
        nextWatchSerial += 1
        let r = csys_epoll_ctl(epfd, 1, fd, EventLoop.mask(readable, writable), EventLoop.token(fd, serial))
        guard r == 0 else { throw SystemError(code: r, operation: "epoll_ctl add fd " + String(fd)) }
        watches[fd] = Watch(fd: fd, serial: serial, readable: readable, writable: writable, fn: fn)
    }

    /// Changes the interest of a watched fd; a no-op when nothing changes.
    public func modify(fd: Int32, readable: Bool, writable: Bool) throws(SystemError) {
        guard let w = watches[fd] else { throw SystemError(code: ENOENT, operation: "epoll_ctl mod fd " + String(fd)) }
        if w.readable == readable && w.writable == writable { return }
        let r = csys_epoll_ctl(epfd, 3, fd, EventLoop.mask(readable, writable), EventLoop.token(fd, w.serial))
        guard r == 0 else { throw SystemError(code: r, operation: "epoll_ctl mod fd " + String(fd)) }
        w.readable = readable
        w.writable = writable
    }

    /// Replaces the handler of a watched fd.
    public func setHandler(fd: Int32, _ fn: @escaping (IOReadiness) -> Void) {
        watches[fd]?.fn = fn
    }

    /// Removes `fd` and drops its handler. Call before closing the fd. Unknown fds are ignored.
    public func unwatch(fd: Int32) {
        guard watches.removeValue(forKey: fd) != nil else { return }
        if !closed { _ = csys_epoll_ctl(epfd, 2, fd, 0, 0) }
    }

    public func isWatching(fd: Int32) -> Bool { watches[fd] != nil }

    /// Number of watched fds (for tests and diagnostics).
    public var watchedCount: Int { watches.count }

    private static func mask(_ readable: Bool, _ writable: Bool) -> UInt32 {
        (readable ? CSYS_EV_IN : 0) | (writable ? CSYS_EV_OUT : 0)
    }

    private static func token(_ fd: Int32, _ serial: UInt64) -> UInt64 {
        (serial << 32) | UInt64(UInt32(bitPattern: fd))
    }

    // MARK: signals

    /// Delivers `signos` through a signalfd as ordinary loop callbacks. The signals are
    /// blocked for the calling thread (call this before starting any other thread), so
    /// SIGTERM/SIGINT/SIGHUP no longer interrupt anything: they wait in the signalfd.
    public func onSignals(_ signos: [Int32], _ fn: @escaping (Int32) -> Void) throws(SystemError) {
        let fd = signos.withUnsafeBufferPointer { csys_signalfd($0.baseAddress, Int32($0.count)) }
        guard fd >= 0 else { throw SystemError(code: fd, operation: "signalfd") }
        do throws(SystemError) {
            try watch(fd: fd, readable: true, writable: false) { _ in
                // Drain everything pending; one read per signal.
                while true {
                    let s = csys_signalfd_read(fd)
                    if s <= 0 { break }
                    fn(s)
                }
            }
        } catch {
            _ = csys_close(fd)
            throw error
        }
        signalFDs.append(fd)
    }
}
