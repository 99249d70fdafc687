/// How one delivery attempt ended.
public enum SimDeliveryOutcome: Equatable {
    /// The client answered HTTP 200.
    case acknowledged
    /// The client answered another status.
    case rejected(status: Int)
    case refused
    /// The connection closed or reset before a status line arrived.
    case reset
    case timeout
    /// Anything else that kept the request from being sent (bad address, socket error).
    case failed(String)

    public var name: String {
        switch self {
        case .acknowledged: return "acked"
        case .rejected(let s): return "status " + String(s)
        case .refused: return "refused"
        case .reset: return "reset"
        case .timeout: return "timeout"
        case .failed(let why): return "failed: " + why
        }
    }
}

/// One line of the sent-report log (`GET /sim/reports`).
public struct SimReportLogEntry: Equatable {
    public var id: Int64
    public var reportSeq: Int64
    public var action: String
    public var callid: String?
    public var destination: String
    /// 1 for the first attempt, 2 for the first resend, …; 0 when never attempted.
    public var attempt: Int
    /// A forced extra delivery after the client's 200.
    public var duplicate: Bool
    /// acked, status N, refused, reset, timeout, failed: …, dropped (test hook), overflow,
    /// no-token (token died before the attempt).
    public var outcome: String
    public var httpStatus: Int?
    /// True when no more attempts follow for this report (acknowledged or given up).
    public var final: Bool
    public var wallMs: Int64
    public var body: [UInt8]
}

public struct SimDeliveryCounters: Equatable {
    public var queued: Int64 = 0
    /// Attempts written (or tried) on a new connection, resends and duplicates included.
    public var sent: Int64 = 0
    public var acked: Int64 = 0
    public var rejected: Int64 = 0
    /// refused, reset, timeout, failed.
    public var failedAttempts: Int64 = 0
    public var resent: Int64 = 0
    public var duplicatesSent: Int64 = 0
    /// Reports abandoned after `resendLimit` resends.
    public var givenUp: Int64 = 0
    /// Reports lost on purpose (`POST /sim/drop-reports`).
    public var dropped: Int64 = 0
    public var overflowed: Int64 = 0
    /// Reports discarded because their token died while they waited.
    public var noToken: Int64 = 0

    public init() {}
}

/// One attempt the shell should make now.
public struct SimDeliveryAttempt: Equatable {
    public var itemID: Int64
    public var delivery: SimDelivery
    public var attempt: Int
    public var duplicate: Bool
}

/// Pure report delivery policy: a bounded, ordered queue per destination; the head is
/// (re)sent until the client answers 200 or `resendLimit` resends are spent, then the next
/// report goes. No sockets: the shell asks `due(now:)` for attempts and reports outcomes.
public final class ReportOutbox {
    struct Item {
        var id: Int64
        var delivery: SimDelivery
        var attempts = 0
        var extraCopies: Int
        var sendingDuplicate = false
        var notBefore: Int64
        var inFlight = false
    }

    public var resendIntervalMs: Int64 = 5_000
    public var resendLimit = 10
    public var queueLimit = 256
    public var duplicateAfterAck = 0
    public var logLimit = 500 {
        didSet { trimLog() }
    }

    public private(set) var counters = SimDeliveryCounters()
    public private(set) var log: [SimReportLogEntry] = []
    /// Deliveries still to be lost / duplicated on purpose (test hooks).
    public var dropNext = 0
    public var duplicateNext = 0

    private var queues: [String: [Item]] = [:]
    private var keys: [String] = []
    private var nextItemID: Int64 = 0
    private var nextLogID: Int64 = 0

    public init() {}

    public var pendingCount: Int {
        var n = 0
        for k in keys { n += queues[k]?.count ?? 0 }
        return n
    }

    public func pending(for destinationKey: String) -> Int { queues[destinationKey]?.count ?? 0 }

    public func enqueue(_ d: SimDelivery, now: Int64, wallMs: Int64) {
        if dropNext > 0 {
            dropNext -= 1
            counters.dropped += 1
            record(d, attempt: 0, duplicate: false, outcome: "dropped", status: nil, final: true, wallMs: wallMs)
            return
        }
        let key = d.destination.key
        var q = queues[key] ?? []
        if q.count >= queueLimit {
            counters.overflowed += 1
            record(d, attempt: 0, duplicate: false, outcome: "overflow", status: nil, final: true, wallMs: wallMs)
            return
        }
        var extra = duplicateAfterAck > 0 ? duplicateAfterAck : 0
        if duplicateNext > 0 {
            duplicateNext -= 1
            extra += 1
        }
        nextItemID += 1
        q.append(Item(id: nextItemID, delivery: d, extraCopies: extra, notBefore: now))
        if queues[key] == nil { keys.append(key) }
        queues[key] = q
        counters.queued += 1
    }

    /// Heads of queues that are ready and not already in flight; each is marked in flight.
    public func due(now: Int64) -> [SimDeliveryAttempt] {
        var out: [SimDeliveryAttempt] = []
        for k in keys {
            guard var q = queues[k], !q.isEmpty, !q[0].inFlight, q[0].notBefore <= now else { continue }
            q[0].inFlight = true
            q[0].attempts += 1
            let item = q[0]
            queues[k] = q
            counters.sent += 1
            if item.sendingDuplicate {
                counters.duplicatesSent += 1
            } else if item.attempts > 1 {
                counters.resent += 1
            }
            out.append(SimDeliveryAttempt(itemID: item.id, delivery: item.delivery, attempt: item.attempts,
                                          duplicate: item.sendingDuplicate))
        }
        return out
    }

    /// Real ms of the earliest queued head that is waiting (not in flight), or nil.
    public func nextDeadline() -> Int64? {
        var best: Int64? = nil
        for k in keys {
            guard let q = queues[k], let head = q.first, !head.inFlight else { continue }
            if let b = best, b <= head.notBefore { continue }
            best = head.notBefore
        }
        return best
    }

    /// The outcome of an attempt returned by `due`.
    public func finish(_ a: SimDeliveryAttempt, outcome: SimDeliveryOutcome, now: Int64, wallMs: Int64) {
        let key = a.delivery.destination.key
        guard var q = queues[key], !q.isEmpty, q[0].id == a.itemID else { return }
        var head = q[0]
        head.inFlight = false
        switch outcome {
        case .acknowledged:
            counters.acked += 1
            if head.extraCopies > 0 {
                head.extraCopies -= 1
                head.sendingDuplicate = true
                head.notBefore = now
                q[0] = head
                record(a.delivery, attempt: a.attempt, duplicate: a.duplicate, outcome: outcome.name, status: 200,
                       final: false, wallMs: wallMs)
            } else {
                q.removeFirst()
                record(a.delivery, attempt: a.attempt, duplicate: a.duplicate, outcome: outcome.name, status: 200,
                       final: true, wallMs: wallMs)
            }
        default:
            var status: Int? = nil
            if case .rejected(let s) = outcome {
                counters.rejected += 1
                status = s
            } else {
                counters.failedAttempts += 1
            }
            // A forced duplicate is not resent: the report was already acknowledged.
            let resendsDone = head.attempts - 1
            if head.sendingDuplicate || resendsDone >= resendLimit {
                if !head.sendingDuplicate { counters.givenUp += 1 }
                q.removeFirst()
                record(a.delivery, attempt: a.attempt, duplicate: a.duplicate, outcome: outcome.name, status: status,
                       final: true, wallMs: wallMs)
            } else {
                head.notBefore = now + resendIntervalMs
                q[0] = head
                record(a.delivery, attempt: a.attempt, duplicate: a.duplicate, outcome: outcome.name, status: status,
                       final: false, wallMs: wallMs)
            }
        }
        store(q, key)
    }

    /// The attempt was not made because its token died: the report is discarded.
    public func discard(_ a: SimDeliveryAttempt, wallMs: Int64) {
        let key = a.delivery.destination.key
        guard var q = queues[key], !q.isEmpty, q[0].id == a.itemID else { return }
        q.removeFirst()
        counters.noToken += 1
        counters.sent -= 1
        record(a.delivery, attempt: a.attempt, duplicate: a.duplicate, outcome: "no-token", status: nil, final: true,
               wallMs: wallMs)
        store(q, key)
    }

    /// Forgets every queued report (a reboot loses the PBX's memory).
    public func clear() {
        queues = [:]
        keys = []
    }

    private func store(_ q: [Item], _ key: String) {
        if q.isEmpty {
            queues[key] = nil
            keys.removeAll { $0 == key }
        } else {
            queues[key] = q
        }
    }

    private func record(_ d: SimDelivery, attempt: Int, duplicate: Bool, outcome: String, status: Int?, final: Bool,
                        wallMs: Int64) {
        nextLogID += 1
        log.append(SimReportLogEntry(id: nextLogID, reportSeq: d.reportSeq, action: d.action, callid: d.callid,
                                     destination: d.destination.key, attempt: attempt, duplicate: duplicate,
                                     outcome: outcome, httpStatus: status, final: final, wallMs: wallMs, body: d.body))
        trimLog()
    }

    private func trimLog() {
        let limit = logLimit > 0 ? logLimit : 1
        if log.count > limit { log.removeFirst(log.count - limit) }
    }
}
